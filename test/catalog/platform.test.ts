import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CatalogError, loadCatalog } from '../../lib/catalog/load';
import { parseCidr, platformProblems } from '../../lib/catalog/platform';
import { REPO_ROOT, exampleCatalog, tempCatalog } from '../helpers';

const EXAMPLE_PLATFORM = readFileSync(join(REPO_ROOT, 'platform.yaml'), 'utf8');

/** The example platform.yaml with each `key: old` line's value replaced. */
function platformWith(values: Record<string, string>): string {
  let text = EXAMPLE_PLATFORM;
  for (const [key, value] of Object.entries(values)) {
    const line = new RegExp(`^(\\s*${key}:) .*$`, 'm');
    if (!line.test(text)) throw new Error(`platform.yaml has no "${key}:" line`);
    text = text.replace(line, `$1 ${value}`);
  }
  return text;
}

/** The problems loadCatalog reports with platform.yaml changed as `values` says. */
function problemsWith(values: Record<string, string>): string[] {
  try {
    loadCatalog(tempCatalog({ 'platform.yaml': platformWith(values) }));
  } catch (error) {
    if (error instanceof CatalogError) return [...error.problems];
    throw error;
  }
  throw new Error('expected the catalog to be rejected');
}

describe('parseCidr', () => {
  it('reads a network-aligned range as start address and size', () => {
    expect(parseCidr('10.16.0.0/14')).toEqual({ start: 10 * 2 ** 24 + 16 * 2 ** 16, size: 2 ** 18 });
    expect(parseCidr('255.255.255.255/32')).toEqual({ start: 2 ** 32 - 1, size: 1 });
    expect(parseCidr('0.0.0.0/0')).toEqual({ start: 0, size: 2 ** 32 });
  });

  it.each([
    ['10.0.256.0/24', '10.0.256.0/24 is not an IPv4 range: 256 is above 255'],
    ['10.0.0.0/33', '10.0.0.0/33 is not an IPv4 range: the prefix length /33 is above 32'],
    ['10.16.1.0/14', '10.16.1.0/14 has bits set after the first 14; its network address is 10.16.0.0, so write 10.16.0.0/14'],
    ['172.16.0.8/28', 'its network address is 172.16.0.0, so write 172.16.0.0/28'],
  ])('refuses %s', (cidr, message) => {
    expect(parseCidr(cidr)).toContain(message);
  });
});

describe('platform.yaml network checks', () => {
  it('accept the example platform', () => {
    expect(platformProblems(exampleCatalog().platform)).toEqual([]);
  });

  it('report an overlap naming both fields', () => {
    expect(problemsWith({ podsCidr: '10.0.0.0/14' })).toEqual([
      'platform.yaml: network.podsCidr: 10.0.0.0/14 overlaps network.subnetCidr 10.0.0.0/20; choose a range outside it',
    ]);
  });

  it('report the issue example: pods containing the subnet', () => {
    expect(problemsWith({ subnetCidr: '10.16.0.0/20' })).toEqual([
      'platform.yaml: network.podsCidr: 10.16.0.0/14 overlaps network.subnetCidr 10.16.0.0/20; choose a range outside it',
    ]);
  });

  it('report one message per overlapping pair, across network and cluster ranges', () => {
    // In file order: network: comes before cluster: in platform.yaml.
    expect(problemsWith({ servicesCidr: '10.100.0.0/20', masterCidr: '10.100.0.0/28' })).toEqual([
      'platform.yaml: network.privateServiceAccessCidr: 10.100.0.0/16 overlaps network.servicesCidr 10.100.0.0/20; choose a range outside it',
      'platform.yaml: network.privateServiceAccessCidr: 10.100.0.0/16 overlaps cluster.masterCidr 10.100.0.0/28; choose a range outside it',
      'platform.yaml: cluster.masterCidr: 10.100.0.0/28 overlaps network.servicesCidr 10.100.0.0/20; choose a range outside it',
    ]);
  });

  it('accept ranges that only touch', () => {
    // 10.0.0.0/20 ends at 10.0.15.255; 10.0.16.0/20 starts right after it.
    expect(() => loadCatalog(tempCatalog({ 'platform.yaml': platformWith({ servicesCidr: '10.0.16.0/20' }) }))).not.toThrow();
  });

  it.each([
    ['an octet above 255', { subnetCidr: '10.0.300.0/20' }, 'platform.yaml: network.subnetCidr: 10.0.300.0/20 is not an IPv4 range: 300 is above 255'],
    ['a prefix above 32', { privateServiceAccessCidr: '10.100.0.0/40' }, 'platform.yaml: network.privateServiceAccessCidr: 10.100.0.0/40 is not an IPv4 range: the prefix length /40 is above 32'],
    ['a range with host bits set', { podsCidr: '10.17.0.0/14' }, 'platform.yaml: network.podsCidr: 10.17.0.0/14 has bits set after the first 14; its network address is 10.16.0.0, so write 10.16.0.0/14'],
    ['a misaligned master range', { masterCidr: '172.16.0.4/28' }, 'platform.yaml: cluster.masterCidr: 172.16.0.4/28 has bits set after the first 28; its network address is 172.16.0.0, so write 172.16.0.0/28'],
    ['a misaligned authorized network', { office: '203.0.113.7/24' }, 'platform.yaml: cluster.authorizedNetworks.office: 203.0.113.7/24 has bits set after the first 24; its network address is 203.0.113.0, so write 203.0.113.0/24'],
  ])('report %s', (_, values, message) => {
    expect(problemsWith(values)).toEqual([message]);
  });

  it.each(['0.0.0.0/0', '0.0.0.0/1', '128.0.0.0/7'])('refuse the authorized network %s', (cidr) => {
    expect(problemsWith({ office: cidr })).toEqual([
      `platform.yaml: cluster.authorizedNetworks.office: ${cidr} opens the control plane to most of the internet; list the specific ranges that need it, each /8 or longer (e.g. 203.0.113.0/24)`,
    ]);
  });

  it('accept an authorized network of exactly /8', () => {
    const catalog = loadCatalog(tempCatalog({ 'platform.yaml': platformWith({ office: '100.0.0.0/8' }) }));
    expect(catalog.platform.cluster.authorizedNetworks.office).toBe('100.0.0.0/8');
  });

  it('still report service problems alongside platform ones', () => {
    const problems = (() => {
      try {
        loadCatalog(tempCatalog({ 'platform.yaml': platformWith({ podsCidr: '10.0.0.0/14' }), 'services/search.yaml': 'team: search\n' }));
      } catch (error) {
        if (error instanceof CatalogError) return [...error.problems];
      }
      return [];
    })();
    expect(problems).toEqual([expect.stringMatching(/^platform\.yaml: network\.podsCidr: /), expect.stringMatching(/^services\/search\.yaml: ownerGroup: required/)]);
  });
});
