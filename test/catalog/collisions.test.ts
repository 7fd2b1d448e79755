import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadCatalog } from '../../lib/catalog/load';
import { REPO_ROOT, tempCatalog } from '../helpers';

const examplePlatform = readFileSync(join(REPO_ROOT, 'platform.yaml'), 'utf8');
const exampleEnvironments = examplePlatform.slice(examplePlatform.indexOf('environments:'), examplePlatform.indexOf('network:'));

function withEnvironments(environments: string): string {
  return examplePlatform.replace(exampleEnvironments, `${environments}\n`);
}
const service = (team: string) => `team: ${team}\nownerGroup: ${team}@example.com\n`;
const load = (files: Record<string, string | null>) => () => loadCatalog(tempCatalog(files, { withExampleServices: false }));

const PRE_PRODUCTION = withEnvironments(
  ['environments:', '  production:', '    projectSuffix: prod', '    production: true', '  pre-production:', '    projectSuffix: pre'].join('\n'),
);

describe('derived names mean one thing', () => {
  it('refuses environments production + pre-production (service web-pre), naming both', () => {
    expect(load({ 'platform.yaml': PRE_PRODUCTION, 'services/web-pre.yaml': service('web') })).toThrow(
      /platform.yaml: environments.pre-production: the name ends with "-production", another environment, so stack names read two ways \(service-web-pre-production is also service "web-pre" in production\)/,
    );
  });

  it('names both files when two services derive one stack name', () => {
    expect(load({ 'platform.yaml': PRE_PRODUCTION, 'services/web.yaml': service('web'), 'services/web-pre.yaml': service('web') })).toThrow(
      /services\/web.yaml: stack name "service-web-pre-production" of environment pre-production is also the stack name of services\/web-pre.yaml \(service web-pre, environment production\)/,
    );
  });

  it('refuses two environments with one projectSuffix, naming both', () => {
    const twoProd = withEnvironments(['environments:', '  production:', '    projectSuffix: prod', '    production: true', '  staging:', '    projectSuffix: prod'].join('\n'));
    expect(load({ 'platform.yaml': twoProd, 'services/web.yaml': service('web') })).toThrow(/environments.staging.projectSuffix: "prod" is also the suffix of environment production/);
    expect(load({ 'platform.yaml': twoProd, 'services/web.yaml': service('web') })).toThrow(
      /services\/web.yaml: project id "acme-web-prod" of environment staging is also the project id of services\/web.yaml \(service web, environment production\)/,
    );
  });

  it('refuses a namespace that is a platform namespace (external + dns = external-dns)', () => {
    const envs = withEnvironments(['environments:', '  production:', '    projectSuffix: dns', '    production: true'].join('\n'));
    expect(load({ 'platform.yaml': envs, 'services/external.yaml': service('ext') })).toThrow(/services\/external.yaml: namespace "external-dns" of environment production is a platform namespace/);
  });

  it('the example catalog has no collision', () => {
    expect(() => loadCatalog(tempCatalog())).not.toThrow();
  });
});
