import { Construct } from 'constructs';
import { ProjectService } from '@cdktf/provider-google/lib/project-service';
import type { ITerraformDependable } from 'cdktf';
import { throwIfProblems } from '../lib/props';

export interface ProjectApisProps {
  readonly project: string;
  /** Service names, e.g. container.googleapis.com; duplicates are ignored. */
  readonly apis: readonly string[];
  /** @default none */
  readonly dependsOn?: ITerraformDependable[];
}

/**
 * Enables APIs on a project, one resource per API keyed by its name (adding
 * an API never renames another). Disabling on destroy is off: turning an API
 * off breaks every resource that still uses it.
 */
export class ProjectApis extends Construct {
  /** Depend on these before creating resources that need the APIs. */
  readonly services: ProjectService[] = [];

  constructor(scope: Construct, id: string, props: ProjectApisProps) {
    super(scope, id);
    const invalid = props.apis.filter((api) => !/^[a-z0-9-]+\.googleapis\.com$/.test(api));
    throwIfProblems('ProjectApis', this.node.path, invalid.map((api) => `api "${api}" must be a service name like pubsub.googleapis.com`));
    for (const api of [...new Set(props.apis)].sort()) {
      this.services.push(
        new ProjectService(this, api, {
          project: props.project,
          service: api,
          disableOnDestroy: false,
          disableDependentServices: false,
          dependsOn: props.dependsOn,
        }),
      );
    }
  }
}
