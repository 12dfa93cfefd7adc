using Reconciler.Records;

namespace Reconciler.Observe;

/// <summary>
/// Everything observed about one domain. TXT observations hold every TXT record at that name,
/// each one's strings joined without spaces. Dictionaries are keyed by normalised names.
/// </summary>
public sealed record LiveDomain(
    string Domain,
    Observation<IReadOnlyList<MxRecord>> Mx,
    Observation<IReadOnlyList<string>> ApexTxt,
    Observation<SpfTree>? SpfTree,
    Observation<IReadOnlyList<string>> MtaStsTxt,
    PolicyObservation? Policy,
    Observation<IReadOnlyList<string>> TlsRptTxt,
    Observation<IReadOnlyList<string>> DmarcTxt,
    IReadOnlyDictionary<string, Observation<IReadOnlyList<string>>> DmarcReportAuth,
    IReadOnlyDictionary<string, DkimObservation> Dkim,
    IReadOnlyDictionary<string, Observation<IReadOnlyList<TlsaRecord>>> Tlsa,
    IReadOnlyList<NsDisagreement> NsDisagreements);

/// <summary>
/// The result of walking the live SPF record's include/redirect tree (RFC 7208 §4.6.4):
/// DNS-querying terms counted across the tree, void lookups, and problems such as a loop or an
/// include whose target has no SPF record. A lookup that could not be decided makes the whole
/// tree <see cref="Unknown{T}"/>.
/// </summary>
public sealed record SpfTree(int DnsLookups, int VoidLookups, IReadOnlyList<string> Problems);

/// <summary>
/// A DKIM selector: the CNAME chain followed from <c>selector._domainkey.domain</c> (empty when the
/// name holds the TXT itself) and the TXT found at the end of it.
/// </summary>
public sealed record DkimObservation(Observation<IReadOnlyList<string>> CnameChain, Observation<IReadOnlyList<string>> Txt);

/// <summary>
/// The MTA-STS policy host: its A/AAAA addresses and one fetch per address.
/// </summary>
public sealed record PolicyObservation(Observation<IReadOnlyList<string>> Addresses, IReadOnlyList<PolicyFetch> Fetches);

/// <summary>
/// One fetch of <c>https://mta-sts.domain/.well-known/mta-sts.txt</c> from one address.
/// <see cref="Body"/> is set only for <see cref="PolicyFetchStatus.Ok"/>; <see cref="Detail"/> gives
/// the precise reason otherwise ("certificate expired", "redirect to https://x", "status 404", ...).
/// </summary>
public sealed record PolicyFetch(string Address, PolicyFetchStatus Status, PolicyFailure Failure, string Detail, string? Body);

public enum PolicyFetchStatus
{
    /// <summary>200, text/plain, within 64 KiB, valid certificate.</summary>
    Ok,
    /// <summary>The host answered but a sender would refuse the policy (decided).</summary>
    Refused,
    /// <summary>Could not tell: timeout, connection refused or reset, DNS unknown.</summary>
    Unreachable,
}

public enum PolicyFailure
{
    None,
    NotFound,
    HttpStatus,
    Redirect,
    ContentType,
    TooLarge,
    Certificate,
    Tls,
    Timeout,
    Connection,
}

/// <summary>
/// Authoritative servers that gave different answers for one name and type (with --authoritative);
/// <see cref="Answers"/> maps each server to a one-line summary of what it said.
/// </summary>
public sealed record NsDisagreement(string Name, string Type, IReadOnlyDictionary<string, string> Answers);
