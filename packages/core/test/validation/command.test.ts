import { aCommand, type DeepPartial, type JsonObject } from '@bcs/testing/builders';
import { describe, expect, it } from 'vitest';
import {
  type CommandUrlKind,
  commandIssues,
  commandTargetKindOf,
  commandValidator,
  DEFAULT_COMMAND_RESERVE_MINUTES,
  parseCommand,
} from '../../src/validation/command.js';
import { pathsOf } from '../helpers/core.js';

const parseForTestapp = (body: unknown) => parseCommand(body, 'application', 'test', 'testapp');
const withSpec = (spec: DeepPartial<JsonObject>) => aCommand({ spec });

describe('command definition', () => {
  it("accepts the document's sendCommand example and defaults reserveTime to 7 days in minutes", () => {
    const definition = parseForTestapp(aCommand());
    expect(definition.spec).toEqual({ ...(aCommand().spec as JsonObject), reserveTime: 10080 });
    expect(DEFAULT_COMMAND_RESERVE_MINUTES).toBe(7 * 24 * 60);
  });

  it('accepts every optional field', () => {
    const body = withSpec({
      commandTargetRef: { image: 'gamesvr' },
      taskgroups: ['0.testapp.test.10001.1547025443000246455'],
      command: ['ps', '-aux'],
      env: ['A=1', 'B=', 'C=x=y'],
      user: 'root',
      workingDir: '/tmp',
      privileged: true,
      reserveTime: 60,
    });
    expect(parseForTestapp(body).spec.reserveTime).toBe(60);
  });

  it('accepts a body without kind and apiVersion, and a deployment target', () => {
    const body = aCommand({
      apiVersion: undefined,
      kind: undefined,
      spec: { commandTargetRef: { kind: 'Deployment' } },
    });
    expect(() => parseCommand(body, 'deployment', 'test', 'testapp')).not.toThrow();
  });

  it('folds key case (CommandTargetRef, WorkingDir)', () => {
    const body = {
      spec: {
        CommandTargetRef: { Kind: 'Application', Namespace: 'test', Name: 'testapp' },
        Command: ['ls'],
        WorkingDir: '/',
      },
    };
    expect(parseForTestapp(body).spec.workingDir).toBe('/');
  });

  it.each<[string, DeepPartial<JsonObject>]>([
    ['kind', { kind: 'command' }],
    ['spec', { spec: undefined }],
    ['spec.commandTargetRef', { spec: { commandTargetRef: undefined } }],
    ['spec.commandTargetRef.kind', { spec: { commandTargetRef: { kind: 'application' } } }],
    ['spec.commandTargetRef.kind', { spec: { commandTargetRef: { kind: 'Daemonset' } } }],
    ['spec.commandTargetRef.name', { spec: { commandTargetRef: { name: undefined } } }],
    ['spec.commandTargetRef.namespace', { spec: { commandTargetRef: { namespace: 'a.b' } } }],
    ['spec.command', { spec: { command: [] } }],
    ['spec.command', { spec: { command: undefined } }],
    ['spec.command', { spec: { command: 'ps -aux' } }],
    ['spec.command[0]', { spec: { command: [''] } }],
    ['spec.env[0]', { spec: { env: ['NOEQUALS'] } }],
    ['spec.env[1]', { spec: { env: ['A=1', '=v'] } }],
    ['spec.taskgroups[0]', { spec: { taskgroups: [''] } }],
    ['spec.privileged', { spec: { privileged: 'true' } }],
    ['spec.reserveTime', { spec: { reserveTime: -1 } }],
    ['spec.reserveTime', { spec: { reserveTime: 1.5 } }],
  ])('refuses %s: %j', (path, overrides) => {
    expect(pathsOf(() => parseForTestapp(aCommand(overrides)))).toEqual([path]);
  });
});

describe('commandIssues', () => {
  const ref = 'spec.commandTargetRef';
  it.each<[string, CommandUrlKind, string, string, string[]]>([
    ['matching application URL', 'application', 'test', 'testapp', []],
    ['deployment URL for an Application ref', 'deployment', 'test', 'testapp', [`${ref}.kind`]],
    ['other namespace', 'application', 'prod', 'testapp', [`${ref}.namespace`]],
    ['other name', 'application', 'test', 'other', [`${ref}.name`]],
    [
      'everything different',
      'deployment',
      'prod',
      'other',
      [`${ref}.kind`, `${ref}.namespace`, `${ref}.name`],
    ],
  ])('%s', (_, urlKind, urlNamespace, urlName, paths) => {
    const definition = commandValidator.parse(aCommand());
    expect(commandIssues(definition, urlKind, urlNamespace, urlName).map((issue) => issue.path)).toEqual(
      paths,
    );
  });

  it('is enforced by parseCommand', () => {
    expect(pathsOf(() => parseCommand(aCommand(), 'application', 'test', 'other'))).toEqual([`${ref}.name`]);
  });

  it.each<[CommandUrlKind, string]>([
    ['application', 'Application'],
    ['deployment', 'Deployment'],
  ])('commandTargetKindOf(%s) → %s', (urlKind, kind) => {
    expect(commandTargetKindOf(urlKind)).toBe(kind);
  });
});
