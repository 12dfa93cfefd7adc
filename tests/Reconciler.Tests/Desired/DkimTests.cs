using Reconciler.Desired;

namespace Reconciler.Tests.Desired;

public class DkimTests
{
    private const string Rsa2048 = "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAypD38kTdriyWMa+TKutFUmh5/a2a6UR4CI2OZ6Lnl3iKY4OA+SSLW8+OcqUpE0eys77tVU0uzlDD3AasSb0RvCqnkoWGYglVi17AntUqJp63mnavyWU3n/e5iUlKEhXk+ITHuAxMxWB52p4jqxGH47E1zU6lZkc+EaeHrgCvI5oR8418QHkOKLThxGN6zLemK4BYbXf1UD6Dxf3ucABAeX4g+ngDflbJxAV7BDXlWmT6/43/uP4/VoZ3ZyMdTkFUqwOV7FtlPwk01o0/4oxXXb28QqGiivapmBf8d+TYgNrykFOalEzqyZNiZMAFLFhlt6hwl1tHG7+yRPxQtFxcDwIDAQAB";
    private const string Rsa1024 = "MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDc/iV0WeH5e79b95ZOztGwpVVVaqRcv6WQHYk6nimFOCIOFiQwPDGMQ0uPON55KTDtgqXFkRv4jDmJgjkQTmn1nIR+P5DJ0j8yQzjDkHkuV64NskM8Utn+BboQV4rhwWG0BE3j13ZHrv7Jjh+HG755Y4p6uK2bNopT1RHB8CfuKQIDAQAB";
    private const string Rsa512 = "MFwwDQYJKoZIhvcNAQEBBQADSwAwSAJBANLSgQLKplNuJqdbVDN+zyW4Etw2IEWXj7UB6Iiej84MHlX6VJK5fZ72MmjvBhA3CowMddoWe3krJQ+m+c9k650CAwEAAQ==";

    [Fact]
    public void Cname_key_and_absent_selectors_load()
    {
        var state = Load.Domain($"dkim:\n  Selector1: {{ cname: selector1-example-com._domainkey.tenant.onmicrosoft.com. }}\n  s2024: {{ key: \"v=DKIM1; k=rsa; p={Rsa2048}\" }}\n  old2019: {{ absent: true }}\n");
        Load.NoErrors(state);
        var dkim = Assert.Single(state.Domains).Dkim!;
        Assert.Equal(new DkimSpec("selector1-example-com._domainkey.tenant.onmicrosoft.com", null, false), dkim["selector1"]);
        Assert.Equal(new DkimSpec(null, $"v=DKIM1; k=rsa; p={Rsa2048}", false), dkim["s2024"]);
        Assert.Equal(new DkimSpec(null, null, true), dkim["old2019"]);
    }

    [Fact]
    public void A_1024_bit_key_is_a_warning()
    {
        var state = Load.Domain($"dkim:\n  s1: {{ key: \"v=DKIM1; k=rsa; p={Rsa1024}\" }}\n");
        Load.NoErrors(state);
        Load.At(state, $"{Load.File}:3:14: warning", "dkim selector 's1' key");
    }

    [Theory]
    [InlineData("v=DKIM1; k=rsa; p=MFwwDQYJKoZIhvcNAQEBBQADSwAwSAJBANLSgQLKplNuJqdbVDN+zyW4Etw2IEWXj7UB6Iiej84MHlX6VJK5fZ72MmjvBhA3CowMddoWe3krJQ+m+c9k650CAwEAAQ==")]
    [InlineData("v=DKIM1; k=rsa; p=!!notbase64")]
    [InlineData("v=DKIM1; k=rsa")]
    public void Weak_or_broken_keys_are_errors(string key)
    {
        var state = Load.Domain($"dkim:\n  s1: {{ key: \"{key}\" }}\n");
        Load.At(state, $"{Load.File}:3:14: error", "dkim selector 's1' key");
        Assert.Single(state.Invalid);
    }

    [Fact]
    public void Selectors_are_case_insensitive_and_unique()
    {
        var state = Load.Domain("dkim:\n  s1: { absent: true }\n  S1: { absent: true }\n");
        Load.At(state, $"{Load.File}:4:3: error", "dkim selector 'S1' is declared twice");
    }
}
