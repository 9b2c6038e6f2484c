import type {
  AgentResources,
  AgentSetting,
  BcsEndpoint,
  ClusterResources,
  CommandRecord,
  CommandSpecRecord,
  CustomResourceDefinition,
  Endpoint,
  EndpointPort,
  EndpointTargetRef,
  HealthReportOutcome,
  MessageResult,
  RolloutAppStatus,
  RolloutStatus,
  TaskCommandInfo,
} from '@bcs/core';
import type { Static, TSchema } from '@sinclair/typebox';
import { describe, expectTypeOf, it } from 'vitest';
import {
  type AgentSettingViewSchema,
  type BcsApplication,
  type BcsApplicationSchema,
  type BcsTask,
  type BcsTaskGroup,
  type BcsTaskGroupSchema,
  type BcsTaskSchema,
  type BcsVersion,
  type BcsVersionSchema,
  type ClusterResourcesSchema,
  type CommandRecordSchema,
  type CustomResourceDefinitionViewSchema,
  type DeploymentBodySchema,
  type HealthReportOutcomeSchema,
  type MessageResultSchema,
  OPENAPI_SCHEMAS,
  type ServiceEndpointsSchema,
} from '../../src/index.js';
import type { deploymentBody } from '../../src/routes/deployments.js';

// The response schemas name the same fields as the types the mappers and services answer with: a field added
// to an answer's type without its schema (or the reverse) fails `tsc -p tsconfig.tests.json`.

type Keys<S extends TSchema> = keyof Static<S>;
type Element<S extends TSchema> = Static<S> extends readonly (infer E)[] ? E : never;

describe('response schemas follow the answer types', () => {
  it('name the same top-level fields', () => {
    expectTypeOf<keyof BcsApplication>().toEqualTypeOf<Keys<typeof BcsApplicationSchema>>();
    expectTypeOf<keyof BcsTaskGroup>().toEqualTypeOf<Keys<typeof BcsTaskGroupSchema>>();
    expectTypeOf<keyof BcsTask>().toEqualTypeOf<Keys<typeof BcsTaskSchema>>();
    expectTypeOf<keyof BcsVersion>().toEqualTypeOf<Keys<typeof BcsVersionSchema>>();
    expectTypeOf<keyof ReturnType<typeof deploymentBody>>().toEqualTypeOf<
      Keys<typeof DeploymentBodySchema>
    >();
    expectTypeOf<keyof ClusterResources>().toEqualTypeOf<Keys<typeof ClusterResourcesSchema>>();
    expectTypeOf<keyof AgentResources>().toEqualTypeOf<
      keyof Element<(typeof ClusterResourcesSchema)['properties']['agents']>
    >();
    expectTypeOf<keyof AgentSetting>().toEqualTypeOf<Keys<typeof AgentSettingViewSchema>>();
    expectTypeOf<keyof CommandRecord>().toEqualTypeOf<Keys<typeof CommandRecordSchema>>();
    expectTypeOf<keyof CommandSpecRecord>().toEqualTypeOf<
      keyof Static<(typeof CommandRecordSchema)['properties']['spec']>
    >();
    type Tasks = Element<(typeof CommandRecordSchema)['properties']['status']['properties']['taskgroups']>;
    expectTypeOf<keyof TaskCommandInfo>().toEqualTypeOf<keyof Tasks['tasks'][number]>();
    type Eps = (typeof ServiceEndpointsSchema)['properties']['eps'];
    expectTypeOf<keyof Endpoint>().toEqualTypeOf<keyof Element<Eps>>();
    expectTypeOf<keyof EndpointTargetRef>().toEqualTypeOf<keyof Element<Eps>['targetRef']>();
    expectTypeOf<keyof EndpointPort>().toEqualTypeOf<keyof Element<Eps>['ports'][number]>();
    expectTypeOf<keyof MessageResult>().toEqualTypeOf<Keys<typeof MessageResultSchema>>();
    expectTypeOf<keyof HealthReportOutcome>().toEqualTypeOf<Keys<typeof HealthReportOutcomeSchema>>();
    expectTypeOf<keyof BcsEndpoint>().toEqualTypeOf<Keys<typeof ServiceEndpointsSchema>>();
    expectTypeOf<keyof CustomResourceDefinition>().toEqualTypeOf<
      Keys<typeof CustomResourceDefinitionViewSchema>
    >();
    expectTypeOf<keyof RolloutAppStatus>().toEqualTypeOf<
      keyof NonNullable<Static<(typeof DeploymentBodySchema)['properties']['application']>>
    >();
    expectTypeOf<keyof RolloutStatus>().toEqualTypeOf<
      keyof NonNullable<Static<(typeof DeploymentBodySchema)['properties']['rollout']>>
    >();
  });

  it('are all in the document', () => {
    expectTypeOf(OPENAPI_SCHEMAS).toMatchTypeOf<Readonly<Record<string, TSchema>>>();
  });
});
