namespace Reconciler.Records;

/// <summary>RFC 8461 §3.2 policy modes; written lower-case, matched case-sensitively.</summary>
public enum MtaStsMode
{
    Enforce,
    Testing,
    None,
}
