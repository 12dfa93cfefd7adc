using System.Net;
using Reconciler.Observe.Dns;
using static Reconciler.Tests.Observe.WireType;

namespace Reconciler.Tests.Observe;

/// <summary>Responses <see cref="DnsWire.Read"/> must refuse with a <see cref="DnsWireException"/>, and nothing else.</summary>
public sealed class DnsWireMalformedTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(11)]
    public void A_message_shorter_than_a_header_is_malformed(int length)
    {
        Assert.Throws<DnsWireException>(() => DnsWire.Read(new byte[length]));
    }

    [Fact]
    public void A_name_pointing_at_itself_is_malformed()
    {
        var message = new DnsResponseBuilder(1, 1, 0).Pointer(DnsResponseBuilder.QuestionOffset).U16(A).U16(1).Build();

        Assert.Throws<DnsWireException>(() => DnsWire.Read(message));
    }

    [Fact]
    public void Two_pointers_pointing_at_each_other_are_malformed()
    {
        // The question name at 12 points to 14, which points back to 12.
        var message = new DnsResponseBuilder(1, 1, 0).Pointer(14).Pointer(12).U16(A).U16(1).Build();

        Assert.Throws<DnsWireException>(() => DnsWire.Read(message));
    }

    [Fact]
    public void A_pointer_past_the_end_of_the_message_is_malformed()
    {
        var message = new DnsResponseBuilder(1, 1, 0).Pointer(400).U16(A).U16(1).Build();

        Assert.Throws<DnsWireException>(() => DnsWire.Read(message));
    }

    [Theory]
    [InlineData(A, 4, 2)]
    [InlineData(Txt, 300, 10)]
    [InlineData(0xff00, 9, 8)]
    public void An_RDLENGTH_past_the_end_of_the_message_is_malformed(ushort type, int rdLength, int present)
    {
        var message = new DnsResponseBuilder(1, 1, 1).Question("example.com", type)
            .RecordHeader(type, rdLength).Raw(new byte[present]).Build();

        Assert.Throws<DnsWireException>(() => DnsWire.Read(message));
    }

    [Fact]
    public void A_TXT_character_string_running_past_its_RDATA_is_malformed_even_with_bytes_after_it()
    {
        // RDLENGTH 5 holds a length octet of 10; the next record's bytes follow, so only the RDATA bound catches it.
        var message = new DnsResponseBuilder(1, 1, 2).Question("example.com", Txt)
            .RecordHeader(Txt, 5).Raw(10, (byte)'a', (byte)'b', (byte)'c', (byte)'d')
            .Record(Txt, DnsResponseBuilder.CharacterStrings("next record")).Build();

        var e = Assert.Throws<DnsWireException>(() => DnsWire.Read(message));
        Assert.Contains("character-string", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_MX_exchange_running_past_its_RDLENGTH_is_malformed()
    {
        var message = new DnsResponseBuilder(1, 1, 2).Question("example.com", Mx)
            .RecordHeader(Mx, 4).U16(10).Name("mail.example.com")
            .Record(A, [192, 0, 2, 1]).Build();

        Assert.Throws<DnsWireException>(() => DnsWire.Read(message));
    }

    [Theory]
    [InlineData(A, 3)]
    [InlineData(A, 5)]
    [InlineData(Aaaa, 4)]
    [InlineData(Tlsa, 2)]
    public void An_address_or_TLSA_record_of_the_wrong_size_is_malformed(ushort type, int length)
    {
        var message = new DnsResponseBuilder(1, 1, 1).Question("example.com", type).Record(type, new byte[length]).Build();

        Assert.Throws<DnsWireException>(() => DnsWire.Read(message));
    }

    [Fact]
    public void Every_cut_and_every_flipped_octet_of_a_response_decodes_or_throws_DnsWireException_and_nothing_else()
    {
        var whole = new DnsResponseBuilder(0x4242, 1, 5).Question("example.com", Mx)
            .RecordHeader(Mx, 9).U16(10).NameThenPointer("mail", DnsResponseBuilder.QuestionOffset)
            .Record(Txt, DnsResponseBuilder.CharacterStrings("v=spf1", " -all"))
            .Record(A, [192, 0, 2, 1])
            .Record(Aaaa, IPAddress.Parse("2001:db8::1").GetAddressBytes())
            .Record(Tlsa, [3, 1, 1, 0xaa, 0xbb]).Build();
        Assert.Equal(5, DnsWire.Read(whole).Answers.Count);

        var unexpected = new List<string>();
        void Check(byte[] message, string what)
        {
            var e = Record.Exception(() => DnsWire.Read(message));
            if (e is not null and not DnsWireException)
            {
                unexpected.Add($"{what}: {e.GetType().Name}: {e.Message}");
            }
        }

        for (var length = 0; length < whole.Length; length++)
        {
            Check(whole[..length], $"cut at {length}");
        }

        var random = new Random(1035);
        for (var i = 0; i < 5000; i++)
        {
            var mutated = (byte[])whole.Clone();
            var flips = random.Next(1, 4);
            for (var f = 0; f < flips; f++)
            {
                mutated[random.Next(mutated.Length)] = (byte)random.Next(256);
            }

            Check(mutated, $"mutation {i}");
        }

        Assert.Empty(unexpected);
    }
}
