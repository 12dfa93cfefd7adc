using System.Net;
using DnsClient;
using DnsClient.Protocol;
using Reconciler.Observe.Dns;
using static Reconciler.Tests.Observe.WireType;

namespace Reconciler.Tests.Observe;

public sealed class DnsWireTests
{
    // ---- Queries ----

    [Theory]
    [InlineData(true, 0x01)]
    [InlineData(false, 0x00)]
    public void A_query_is_encoded_byte_for_byte_with_RD_as_asked_and_an_EDNS0_OPT_record(bool recursion, byte flags)
    {
        var buffer = new byte[DnsWire.MaxQueryLength];

        var length = DnsWire.WriteQuery(buffer, 0x1234, "ab.c", QueryType.MX, recursion);

        byte[] expected =
        [
            0x12, 0x34, flags, 0x00, // id, QR=0 OPCODE=0 RD, RCODE 0
            0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, // QDCOUNT 1, ANCOUNT 0, NSCOUNT 0, ARCOUNT 1
            0x02, (byte)'a', (byte)'b', 0x01, (byte)'c', 0x00, // ab.c.
            0x00, 0x0f, 0x00, 0x01, // MX, IN
            0x00, 0x00, 0x29, 0x04, 0xd0, // OPT: root owner, TYPE 41, payload 1232
            0x00, 0x00, 0x00, 0x00, 0x00, 0x00, // extended RCODE, version, flags (no DO); RDLENGTH 0
        ];
        Assert.Equal(expected, buffer.AsSpan(0, length).ToArray());
    }

    [Fact]
    public void A_trailing_dot_makes_no_difference_to_the_query()
    {
        var withDot = new byte[DnsWire.MaxQueryLength];
        var without = new byte[DnsWire.MaxQueryLength];

        var a = DnsWire.WriteQuery(withDot, 7, "mail.example.com.", QueryType.TXT, true);
        var b = DnsWire.WriteQuery(without, 7, "mail.example.com", QueryType.TXT, true);

        Assert.Equal(12 + 18 + 4 + 11, a);
        Assert.Equal(without.AsSpan(0, b).ToArray(), withDot.AsSpan(0, a).ToArray());
    }

    [Theory]
    [InlineData("a..b")]
    [InlineData(".a.b")]
    [InlineData("exämple.com")]
    [InlineData("a b.com")]
    public void A_name_with_an_empty_label_or_a_character_outside_printable_ASCII_cannot_be_asked(string name)
    {
        Assert.Equal(-1, DnsWire.WriteQuery(new byte[DnsWire.MaxQueryLength], 1, name, QueryType.A, true));
    }

    [Fact]
    public void A_label_may_have_63_octets_but_not_64()
    {
        var buffer = new byte[DnsWire.MaxQueryLength];

        Assert.True(DnsWire.WriteQuery(buffer, 1, new string('x', 63) + ".com", QueryType.A, true) > 0);
        Assert.Equal(-1, DnsWire.WriteQuery(buffer, 1, new string('x', 64) + ".com", QueryType.A, true));
    }

    [Fact]
    public void A_name_may_have_255_octets_on_the_wire_but_not_256()
    {
        var buffer = new byte[DnsWire.MaxQueryLength];
        var label = new string('x', 63);
        var longest = $"{label}.{label}.{label}.{new string('y', 61)}"; // 3 * 64 + 62 + root = 255 octets
        var tooLong = $"{label}.{label}.{label}.{new string('y', 62)}";

        Assert.Equal(12 + 255 + 4 + 11, DnsWire.WriteQuery(buffer, 1, longest, QueryType.A, true));
        Assert.Equal(-1, DnsWire.WriteQuery(buffer, 1, tooLong, QueryType.A, true));
        Assert.Equal(-1, DnsWire.WriteQuery(buffer, 1, $"{label}.{label}.{label}.{label}", QueryType.A, true));
    }

    [Fact]
    public void The_id_of_a_message_is_its_first_two_octets_and_a_fragment_has_none()
    {
        Assert.Equal((ushort)0xbeef, DnsWire.IdOf(new DnsResponseBuilder(0xbeef, 0, 0).Build()));
        Assert.Null(DnsWire.IdOf(new byte[11]));
    }

    // ---- Responses ----

    [Fact]
    public void An_A_answer_is_read_with_its_header_question_owner_and_ttl()
    {
        var message = new DnsResponseBuilder(0xbeef, 1, 1).Question("example.com", A).Record(A, [192, 0, 2, 1], ttl: 3600).Build();

        var read = DnsWire.Read(message);

        Assert.Equal((ushort)0xbeef, read.Id);
        Assert.True(read.IsResponse);
        Assert.False(read.Truncated);
        Assert.Equal(DnsHeaderResponseCode.NoError, read.ResponseCode);
        Assert.Equal(new DnsQuestionEntry("example.com.", QueryType.A, QueryClass.IN), Assert.Single(read.Questions));
        var a = Assert.IsType<ARecord>(Assert.Single(read.Answers));
        Assert.Equal(IPAddress.Parse("192.0.2.1"), a.Address);
        Assert.Equal("example.com.", a.DomainName.Value);
        Assert.Equal(3600, a.InitialTimeToLive);
    }

    [Fact]
    public void An_AAAA_answer_is_read()
    {
        var address = IPAddress.Parse("2001:db8::53");
        var message = new DnsResponseBuilder(1, 1, 1).Question("example.com", Aaaa).Record(Aaaa, address.GetAddressBytes()).Build();

        Assert.Equal(address, Assert.IsType<AaaaRecord>(Assert.Single(DnsWire.Read(message).Answers)).Address);
    }

    [Fact]
    public void A_CNAME_and_an_NS_answer_are_read()
    {
        var target = new DnsResponseBuilder(0, 0, 0).Name("www.example.net").Build()[12..];
        var server = new DnsResponseBuilder(0, 0, 0).Name("ns1.example.org").Build()[12..];
        var message = new DnsResponseBuilder(1, 1, 2).Question("example.com", Cname).Record(Cname, target).Record(Ns, server).Build();

        var answers = DnsWire.Read(message).Answers;

        Assert.Equal("www.example.net.", Assert.IsType<CNameRecord>(answers[0]).CanonicalName.Value);
        Assert.Equal("ns1.example.org.", Assert.IsType<NsRecord>(answers[1]).NSDName.Value);
    }

    [Fact]
    public void An_MX_exchange_with_a_compression_pointer_to_the_question_is_read_in_full()
    {
        // RDATA: preference 10, then "mail" and a pointer to "example.com" in the question.
        var message = new DnsResponseBuilder(1, 1, 1).Question("example.com", Mx)
            .RecordHeader(Mx, 2 + 5 + 2).U16(10).NameThenPointer("mail", DnsResponseBuilder.QuestionOffset)
            .Build();

        var mx = Assert.IsType<MxRecord>(Assert.Single(DnsWire.Read(message).Answers));

        Assert.Equal(10, mx.Preference);
        Assert.Equal("mail.example.com.", mx.Exchange.Value);
    }

    [Fact]
    public void A_TXT_record_keeps_each_character_string_in_order_for_the_caller_to_join()
    {
        string[] strings = ["v=spf1 ", "include:_spf.example.net", " -all"];
        var message = new DnsResponseBuilder(1, 1, 1).Question("example.com", Txt)
            .Record(Txt, DnsResponseBuilder.CharacterStrings(strings)).Build();

        var txt = Assert.IsType<TxtRecord>(Assert.Single(DnsWire.Read(message).Answers));

        Assert.Equal(strings, txt.Text);
        Assert.Equal("v=spf1 include:_spf.example.net -all", string.Concat(txt.Text));
    }

    [Fact]
    public void A_TXT_character_string_of_255_octets_is_read_whole()
    {
        var longest = new string('k', 255);
        var message = new DnsResponseBuilder(1, 1, 1).Question("example.com", Txt)
            .Record(Txt, DnsResponseBuilder.CharacterStrings(longest, "", "end")).Build();

        var txt = Assert.IsType<TxtRecord>(Assert.Single(DnsWire.Read(message).Answers));

        Assert.Equal([longest, "", "end"], txt.Text);
    }

    [Fact]
    public void A_TLSA_answer_is_read_with_its_three_fields_and_data()
    {
        var digest = Enumerable.Range(0, 32).Select(i => (byte)(i * 7)).ToArray();
        var message = new DnsResponseBuilder(1, 1, 1).Question("_25._tcp.mx.example.com", Tlsa)
            .Record(Tlsa, [3, 1, 1, .. digest]).Build();

        var tlsa = Assert.IsType<TlsaRecord>(Assert.Single(DnsWire.Read(message).Answers));

        Assert.Equal(3, (int)tlsa.CertificateUsage);
        Assert.Equal(1, (int)tlsa.Selector);
        Assert.Equal(1, (int)tlsa.MatchingType);
        Assert.Equal(digest, tlsa.CertificateAssociationData.ToArray());
        Assert.Equal("_25._tcp.mx.example.com.", tlsa.DomainName.Value);
    }

    [Fact]
    public void A_record_of_a_type_not_read_is_skipped_by_its_RDLENGTH_and_the_next_one_is_read()
    {
        var message = new DnsResponseBuilder(1, 1, 3).Question("example.com", A)
            .Record(0xff00, [0xc0, 0x0c, 9, 9, 9]) // private-use type; data that would look like a name
            .Record(6, [0, 0, 0, 0, 0, 0, 0]) // SOA, not read here
            .Record(A, [198, 51, 100, 7]).Build();

        var answer = Assert.Single(DnsWire.Read(message).Answers);

        Assert.Equal(IPAddress.Parse("198.51.100.7"), Assert.IsType<ARecord>(answer).Address);
    }

    [Fact]
    public void NXDOMAIN_is_returned_as_its_rcode_with_no_answers()
    {
        var message = new DnsResponseBuilder(9, 1, 0, rcode: 3).Question("nothing.example.com", Txt).Build();

        var read = DnsWire.Read(message);

        Assert.Equal(DnsHeaderResponseCode.NotExistentDomain, read.ResponseCode);
        Assert.Empty(read.Answers);
        Assert.Equal("nothing.example.com.", Assert.Single(read.Questions).Name);
    }

    [Fact]
    public void The_AA_bit_is_read()
    {
        var referral = new DnsResponseBuilder(9, 1, 0).Question("sub.example.com", Txt).Build();
        var authoritative = new DnsResponseBuilder(9, 1, 0).Question("sub.example.com", Txt).Build();
        authoritative[2] |= 0x04;

        Assert.False(DnsWire.Read(referral).Authoritative);
        Assert.True(DnsWire.Read(authoritative).Authoritative);
    }

    [Fact]
    public void A_truncated_response_is_flagged_and_its_cut_off_answers_are_not_read()
    {
        // ANCOUNT says 2, but the message stops halfway through the first record.
        var message = new DnsResponseBuilder(9, 1, 2, truncated: true).Question("example.com", Txt)
            .RecordHeader(Txt, 200).Raw(50, (byte)'v').Build();

        var read = DnsWire.Read(message);

        Assert.True(read.Truncated);
        Assert.Empty(read.Answers);
        Assert.Single(read.Questions);
    }
}
