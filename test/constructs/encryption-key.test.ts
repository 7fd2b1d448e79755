import { EncryptionKey } from '../../constructs/encryption-key';
import { onlyResource, synthScopeJson } from '../helpers';

const labels = { service: 'recommend', team: 'ml', environment: 'production', 'managed-by': 'cdktf' };

describe('EncryptionKey', () => {
  it('grants encrypter/decrypter to a service agent, after what it depends on', () => {
    const json = synthScopeJson((scope) => {
      const key = new EncryptionKey(scope, 'Key', { project: 'p-prod', location: 'asia-northeast1', keyRingName: 'service-data', labels });
      // Any resource serves as the prerequisite; the key ring stands in for a service agent.
      key.grantEncrypterDecrypter({ key: 'serviceAccount:spanner-agent', member: 'serviceAccount:service-1@gcp-sa-spanner.iam.gserviceaccount.com' }, { dependsOn: [key.keyRing] });
    });
    const grant = onlyResource(json, 'google_kms_crypto_key_iam_member');
    expect(grant).toMatchObject({ role: 'roles/cloudkms.cryptoKeyEncrypterDecrypter', member: 'serviceAccount:service-1@gcp-sa-spanner.iam.gserviceaccount.com' });
    expect(grant.crypto_key_id).toMatch(/^\$\{google_kms_crypto_key\..*\.id\}$/);
    expect(grant.depends_on).toEqual([expect.stringMatching(/^google_kms_key_ring\./)]);
  });

  it('adds no dependency unless asked', () => {
    const json = synthScopeJson((scope) =>
      new EncryptionKey(scope, 'Key', { project: 'p-prod', location: 'asia-northeast1', keyRingName: 'service-data', labels }).grantEncrypterDecrypter({ key: 'bq', member: 'serviceAccount:bq@example.com' }),
    );
    expect(onlyResource(json, 'google_kms_crypto_key_iam_member').depends_on).toBeUndefined();
  });
});
