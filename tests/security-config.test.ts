// The request-security settings are validated at start like every other variable: a bad allowlist
// entry stops the process with one line naming it, rather than locking everyone out (or nobody)
// at run time.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { ConfigError, loadConfig } from '../src/config/config.js';
import { parseCidrList } from '../src/http/security/cidr-list.js';

const run = promisify(execFile);

describe('OPERATOR_WRITE_LIMIT_PER_HOUR', () => {
  it('is 1000 by default, and takes another positive whole number', () => {
    expect(loadConfig({}).OPERATOR_WRITE_LIMIT_PER_HOUR).toBe(1000);
    expect(loadConfig({ OPERATOR_WRITE_LIMIT_PER_HOUR: '' }).OPERATOR_WRITE_LIMIT_PER_HOUR).toBe(1000);
    expect(loadConfig({ OPERATOR_WRITE_LIMIT_PER_HOUR: '50000' }).OPERATOR_WRITE_LIMIT_PER_HOUR).toBe(50_000);
  });

  it.each(['0', '-1', '1.5', 'lots', '2000000000'])('refuses %j', (value) => {
    expect(() => loadConfig({ OPERATOR_WRITE_LIMIT_PER_HOUR: value })).toThrow(/^invalid configuration: OPERATOR_WRITE_LIMIT_PER_HOUR /);
  });
});

describe('TRUST_PROXY', () => {
  it('is unset by default, takes `none` or a list of proxy addresses, and refuses anything else naming the variable', () => {
    expect(loadConfig({}).TRUST_PROXY).toBeUndefined();
    expect(loadConfig({ TRUST_PROXY: 'none' }).TRUST_PROXY).toEqual([]);
    expect(loadConfig({ TRUST_PROXY: '10.0.0.5, fd00::/8' }).TRUST_PROXY).toEqual([
      { address: '10.0.0.5', prefix: 32, family: 'ipv4' },
      { address: 'fd00::', prefix: 8, family: 'ipv6' },
    ]);
    expect(() => loadConfig({ TRUST_PROXY: 'true' })).toThrow(/^invalid configuration: TRUST_PROXY /);
    expect(() => loadConfig({ TRUST_PROXY: '10.0.0.0/40' })).toThrow(/^invalid configuration: TRUST_PROXY /);
  });
});

describe('IP_ALLOWLIST', () => {
  it('is off when unset or empty', () => {
    expect(loadConfig({}).IP_ALLOWLIST).toBeUndefined();
    expect(loadConfig({ IP_ALLOWLIST: '' }).IP_ALLOWLIST).toBeUndefined();
  });

  it('takes IPv4 and IPv6 addresses and CIDR blocks, comma-separated, spaces and a trailing comma allowed', () => {
    expect(loadConfig({ IP_ALLOWLIST: ' 10.0.0.0/8, 192.0.2.7 ,2001:db8::/32,::1,' }).IP_ALLOWLIST).toEqual([
      { address: '10.0.0.0', prefix: 8, family: 'ipv4' },
      { address: '192.0.2.7', prefix: 32, family: 'ipv4' },
      { address: '2001:db8::', prefix: 32, family: 'ipv6' },
      { address: '::1', prefix: 128, family: 'ipv6' },
    ]);
  });

  it.each([
    ['10.0.0.0/33', /entry "10\.0\.0\.0\/33" has a prefix length above 32/],
    ['2001:db8::/129', /above 128/],
    ['10.0.0.0/8, 999.1.1.1', /entry "999\.1\.1\.1" is not an IP address or CIDR block/],
    ['10.0.0.0/8/1', /is not an IP address or CIDR block/],
    ['10.0.0.0/', /prefix length that is not a number/],
    ['10.0.0.0/x', /prefix length that is not a number/],
    ['fe80::1%eth0', /is not an IP address or CIDR block/],
    ['office.example.com', /is not an IP address or CIDR block/],
    [' , ', /lists no address/],
  ])('refuses %j naming the variable and the entry', (value, message) => {
    expect(() => loadConfig({ IP_ALLOWLIST: value })).toThrow(ConfigError);
    expect(() => loadConfig({ IP_ALLOWLIST: value })).toThrow(/^invalid configuration: IP_ALLOWLIST /);
    expect(() => loadConfig({ IP_ALLOWLIST: value })).toThrow(message);
  });

  it('parses without the config around it', () => {
    expect(parseCidrList('127.0.0.1')).toEqual({ entries: [{ address: '127.0.0.1', prefix: 32, family: 'ipv4' }] });
  });

  it('stops the process with exit code 1 and one line naming it', async () => {
    const err = await run(process.execPath, ['--import', 'tsx', 'bin/start.ts'], {
      env: { PATH: process.env.PATH, IP_ALLOWLIST: '10.0.0.0/8,10.0.0.300', DATA_DIR: '.data/never-used' },
    }).then(() => null, (e: { code: number; stdout: string; stderr: string }) => e);
    expect(err).not.toBeNull();
    expect(err!.code).toBe(1);
    expect(err!.stderr.trim().split('\n')).toEqual(['opsdeck: invalid configuration: IP_ALLOWLIST entry "10.0.0.300" is not an IP address or CIDR block']);
    expect(err!.stdout).toBe('');
  });
});
