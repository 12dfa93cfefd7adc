'use strict';

// The Node.js peer: mailauth's own checks for every domain of a bench world, against the same
// Knot and the same policy host as `reconciler plan`, with the same number of domains in flight.
// Per domain: MX, then the MTA-STS policy (the _mta-sts TXT, the policy host's address, the HTTPS
// fetch with certificate checks) and each MX host against it; SPF evaluated for an outside address
// (so the whole include tree is walked); the DMARC record; each declared DKIM selector's key.
//
// usage: node peer.js DOMAINS_DIR DNS_ADDRESS DNS_PORT POLICY_PORT CONCURRENCY
// The test CA comes in through NODE_EXTRA_CA_CERTS. Prints one RESULT line.

const fs = require('node:fs');
const path = require('node:path');
const dns = require('node:dns');
const https = require('node:https');
const { getPolicy, validateMx } = require('mailauth/lib/mta-sts');
const { spf } = require('mailauth/lib/spf');
const getDmarcRecord = require('mailauth/lib/dmarc/get-dmarc-record');
const { getPublicKey } = require('mailauth/lib/tools');

const [domainsDir, dnsAddress, dnsPort, policyPort, concurrency] = process.argv.slice(2);

// mailauth always fetches from port 443; the bench's policy host listens on its own port. Only the
// port is changed: the address, the SNI name and the certificate checks are mailauth's.
const request = https.request;
https.request = function (options, callback) {
    if (options && options.port === 443) {
        options = { ...options, port: Number(policyPort) };
    }
    return request.call(this, options, callback);
};

const stub = new dns.promises.Resolver({ timeout: 5000, tries: 2 });
stub.setServers([`${dnsAddress}:${dnsPort}`]);
// Knot answers as an authority: a CNAME into another of its zones comes without the target's records.
// A recursive resolver follows it for its client (as `reconciler` does itself); so does this one. The
// world's only CNAMEs are DKIM selectors, so only an empty answer there costs a CNAME question: the
// peer is not charged for questions a resolver would not have made it ask.
const resolver = async (name, type, depth = 0) => {
    let answer;
    let failure;
    try {
        answer = await stub.resolve(name, type);
    } catch (e) {
        if (e.code !== 'ENODATA') {
            throw e;
        }
        failure = e;
    }
    if ((answer && answer.length) || type === 'CNAME' || !name.includes('._domainkey.') || depth >= 8) {
        if (failure) {
            throw failure;
        }
        return answer;
    }
    let target = [];
    try {
        target = await stub.resolve(name, 'CNAME');
    } catch {
        // no CNAME either: the first answer stands
    }
    if (target.length) {
        return resolver(target[0], type, depth + 1);
    }
    if (failure) {
        throw failure;
    }
    return answer;
};

// The domain files: the domain from the name, the DKIM selectors from the `dkim:` block.
const domains = fs.readdirSync(domainsDir).filter(f => f.endsWith('.yaml')).sort().map(file => {
    const text = fs.readFileSync(path.join(domainsDir, file), 'utf8');
    const block = /^dkim:\n((?:[ \t]+.*\n?)*)/m.exec(text);
    const selectors = block ? [...block[1].matchAll(/^[ \t]+([A-Za-z0-9_-]+):/gm)].map(m => m[1]) : [];
    return { domain: file.slice(0, -'.yaml'.length), selectors };
});

const counts = { domains: 0, policies: 0, mxValid: 0, spf: 0, dmarc: 0, dkim: 0, errors: 0 };

async function check({ domain, selectors }) {
    let mx = [];
    try {
        mx = (await resolver(domain, 'MX')).map(r => r.exchange);
    } catch {
        counts.errors++;
    }

    const sts = await getPolicy(domain, null, { resolver });
    if (sts.policy && sts.policy.mode && sts.policy.mode !== 'none') {
        counts.policies++;
    }
    counts.mxValid += mx.filter(host => validateMx(host, sts.policy).valid).length;

    const spfResult = await spf({ sender: `postmaster@${domain}`, ip: '192.0.2.1', helo: `mail.${domain}`, mta: 'bench.test', resolver });
    if (spfResult && spfResult.status && spfResult.status.result !== 'none') {
        counts.spf++;
    }

    if (await getDmarcRecord(domain, resolver)) {
        counts.dmarc++;
    }

    for (const selector of selectors) {
        try {
            await getPublicKey('DKIM', `${selector}._domainkey.${domain}`, 1024, resolver);
            counts.dkim++;
        } catch {
            counts.errors++;
        }
    }

    counts.domains++;
}

async function main() {
    const started = process.hrtime.bigint();
    let next = 0;
    const worker = async () => {
        while (next < domains.length) {
            const item = domains[next++];
            try {
                await check(item);
            } catch {
                counts.errors++;
            }
        }
    };
    await Promise.all(Array.from({ length: Number(concurrency) }, worker));
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const usage = process.cpuUsage();
    const cpu = (usage.user + usage.system) / 1e6;
    console.log(`RESULT seconds=${seconds.toFixed(6)} cpu=${cpu.toFixed(6)} ` +
        Object.entries(counts).map(([k, v]) => `${k}=${v}`).join(' '));
}

main().catch(e => {
    console.error(e);
    process.exit(1);
});
