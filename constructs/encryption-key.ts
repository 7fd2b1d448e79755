import { Construct } from 'constructs';
import { KmsKeyRing } from '@cdktf/provider-google/lib/kms-key-ring';
import { KmsCryptoKey } from '@cdktf/provider-google/lib/kms-crypto-key';
import { KmsCryptoKeyIamMember } from '@cdktf/provider-google/lib/kms-crypto-key-iam-member';
import type { ITerraformDependable } from 'cdktf';
import type { Labels } from '../lib/labels';
import { ROLES, type Grantee } from '../lib/iam-roles';
import { throwIfProblems } from '../lib/props';

const DAY_SECONDS = 24 * 60 * 60;

export interface EncryptionKeyProps {
  readonly project: string;
  /** Cloud KMS location; must match the location of the data it encrypts (e.g. asia-northeast1). */
  readonly location: string;
  /** Key ring name: unique per project and location, and never reusable (key rings cannot be deleted). */
  readonly keyRingName: string;
  /** @default data */
  readonly keyName?: string;
  readonly labels: Labels;
  /** A new key version is made this often; old versions keep decrypting. @default 90 */
  readonly rotationDays?: number;
  /** @default none */
  readonly dependsOn?: ITerraformDependable[];
}

/**
 * A customer-managed encryption key (CMEK) in Cloud KMS: a key ring with one
 * symmetric key, rotated every 90 days and protected from `terraform destroy`
 * (destroying a key makes every byte it encrypted unreadable).
 */
export class EncryptionKey extends Construct {
  readonly keyRing: KmsKeyRing;
  readonly key: KmsCryptoKey;
  /** The key's id, `projects/<p>/locations/<l>/keyRings/<r>/cryptoKeys/<k>`, for `kms_key_name` attributes. */
  readonly keyId: string;
  private readonly grants = new Construct(this, 'Iam');

  constructor(scope: Construct, id: string, props: EncryptionKeyProps) {
    super(scope, id);
    const keyName = props.keyName ?? 'data';
    const rotationDays = props.rotationDays ?? 90;
    const problems: string[] = [];
    for (const [field, value] of [['keyRingName', props.keyRingName], ['keyName', keyName]]) {
      if (!/^[a-zA-Z0-9_-]{1,63}$/.test(value)) problems.push(`${field} "${value}" may hold only letters, digits, "_" and "-" (e.g. "payment")`);
    }
    if (!Number.isInteger(rotationDays) || rotationDays < 1 || rotationDays > 90) problems.push(`rotationDays ${rotationDays} must be a whole number from 1 to 90 (e.g. 90)`);
    throwIfProblems('EncryptionKey', this.node.path, problems);

    this.keyRing = new KmsKeyRing(this, 'KeyRing', {
      project: props.project,
      name: props.keyRingName,
      location: props.location,
      dependsOn: props.dependsOn,
    });
    this.key = new KmsCryptoKey(this, 'Key', {
      name: keyName,
      keyRing: this.keyRing.id,
      purpose: 'ENCRYPT_DECRYPT',
      rotationPeriod: `${rotationDays * DAY_SECONDS}s`,
      labels: { ...props.labels },
      lifecycle: { preventDestroy: true },
    });
    this.keyId = this.key.id;
  }

  /**
   * Lets `grantee` (a Google service agent, e.g. BigQuery's) encrypt and
   * decrypt with this key. `dependsOn`: what must exist first, e.g. the
   * agent itself when its member is computed from the project number (KMS
   * refuses members that do not exist). @default none
   */
  grantEncrypterDecrypter(grantee: Grantee, options: { readonly dependsOn?: ITerraformDependable[] } = {}): KmsCryptoKeyIamMember {
    return new KmsCryptoKeyIamMember(this.grants, `${grantee.key}=${ROLES.cryptoKeyEncrypterDecrypter}`, {
      cryptoKeyId: this.key.id,
      role: ROLES.cryptoKeyEncrypterDecrypter,
      member: grantee.member,
      dependsOn: options.dependsOn,
    });
  }
}
