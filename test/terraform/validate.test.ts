import { cpSync, existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cliConfig, findProviderMirror, setUpTerraform } from '../../lib/terraform/cli';
import { formatValidation, validateStacks, validationSummary } from '../../lib/terraform/validate';
import { REPO_ROOT } from '../helpers';
import { describeWithTerraform } from './terraform-available';

describe('the terraform CLI configuration', () => {
  test('installs hashicorp providers from the mirror when there is one, and caches plugins', () => {
    const text = cliConfig('/cache', '/shared/terraform-providers');
    expect(text).toContain('plugin_cache_dir = "/cache"');
    expect(text).toMatch(/filesystem_mirror \{\s+path\s+= "\/shared\/terraform-providers"\s+include = \["registry.terraform.io\/hashicorp\/\*"\]/);
  });

  test('uses the public registry when there is no mirror', () => {
    expect(cliConfig('/cache')).not.toContain('provider_installation');
  });

  test('finds the mirror in the shared folder beside the clone or any parent', () => {
    const root = mkdtempSync(join(tmpdir(), 'mirror-'));
    mkdirSync(join(root, 'shared', 'terraform-providers', 'registry.terraform.io'), { recursive: true });
    mkdirSync(join(root, 'worktrees', 'clone'), { recursive: true });
    expect(findProviderMirror(join(root, 'worktrees', 'clone'), {})).toBe(join(root, 'shared', 'terraform-providers'));
    expect(findProviderMirror(join(root, 'worktrees', 'clone'), { TF_PROVIDER_MIRROR: join(root, 'shared', 'terraform-providers') })).toBe(
      join(root, 'shared', 'terraform-providers'),
    );
    expect(() => findProviderMirror(root, { TF_PROVIDER_MIRROR: join(root, 'worktrees') })).toThrow(/no registry.terraform.io folder/);
  });
});

describeWithTerraform('npm run validate', () => {
  test("fails a stack with a wrong attribute value with Terraform's own message, and passes the right one", async () => {
    const outDir = mkdtempSync(join(tmpdir(), 'validate-'));
    cpSync(join(__dirname, 'fixtures', 'wrong-attribute'), outDir, { recursive: true });
    const setup = setUpTerraform(REPO_ROOT);
    const results = await validateStacks(setup, outDir, { parallelism: 2 });

    expect(results.map((r) => [r.stack, r.ok])).toEqual([
      ['right-availability', true],
      ['wrong-availability', false],
    ]);
    const wrong = results[1];
    expect(wrong.message).toContain('expected settings.0.availability_type to be one of ["REGIONAL" "ZONAL"], got EVERYWHERE');
    expect(wrong.message).toContain('google_sql_database_instance.Database');
    expect(formatValidation(wrong)).toMatch(/^FAIL wrong-availability .*\n {4}Error: expected settings/);
    expect(validationSummary(results, 1)).toMatch(/^terraform validate: 1 of 2 stacks invalid: wrong-availability/);
    // A lock file made from the mirror must not stay behind.
    expect(existsSync(join(outDir, 'stacks', 'wrong-availability', '.terraform.lock.hcl'))).toBe(false);
  }, 120_000);

  test('a folder without stacks is an error that says to synthesize first', async () => {
    const setup = setUpTerraform(REPO_ROOT);
    const empty = mkdtempSync(join(tmpdir(), 'validate-empty-'));
    writeFileSync(join(empty, 'manifest.json'), '{}');
    await expect(validateStacks(setup, empty, { parallelism: 1 })).rejects.toThrow(/stacks does not exist: run `npm run synth` first/);
  });
});
