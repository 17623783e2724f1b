/**
 * The real deploy's calls (scripts/lib/deploy-cloudbase.ts) against a fake @cloudbase/manager-node:
 * CloudBase cannot be reached from here, so this pins down what is asked of it — collections
 * created when missing, permission set and read back (or a required manual step), only missing
 * indexes created, functions created or updated without their triggers, triggers synced.
 */
import { applyPlan, type ApplyOptions } from '../../scripts/lib/deploy-cloudbase';
import type { DeployPlan } from '../../scripts/lib/deploy-plan';
import type { CollectionDecl, RcFunction } from '../../scripts/lib/deploy-schema';

const calls: string[] = [];
const state = {
  tables: new Map<string, { Name: string; Keys: { Name: string; Direction: string }[] }[]>(),
  acl: new Map<string, string>(),
  refuseAcl: new Set<string>(),
  triggers: [] as { TriggerName: string; Type: string; TriggerDesc: string }[],
  access: [] as { Path: string; Name: string }[],
};

const fake = {
  database: {
    createCollectionIfNotExists: async (name: string) => {
      calls.push(`createCollectionIfNotExists ${name}`);
      const created = !state.tables.has(name);
      if (created) state.tables.set(name, [{ Name: '_id_', Keys: [{ Name: '_id', Direction: '1' }] }]);
      return { IsCreated: created };
    },
    describeCollection: async (name: string) => ({ Indexes: state.tables.get(name) }),
    updateCollection: async (name: string, info: { CreateIndexes: { IndexName: string }[] }) => {
      calls.push(`updateCollection ${name} ${info.CreateIndexes.map((i) => i.IndexName).join(',')}`);
    },
  },
  commonService: () => ({
    call: async ({ Action, Param }: { Action: string; Param: { CollectionName: string; AclTag?: string } }) => {
      calls.push(`${Action} ${Param.CollectionName}${Param.AclTag ? ` ${Param.AclTag}` : ''}`);
      if (state.refuseAcl.has(Param.CollectionName)) throw new Error('UnauthorizedOperation');
      if (Action === 'ModifyDatabaseACL') state.acl.set(Param.CollectionName, Param.AclTag!);
      return { AclTag: state.acl.get(Param.CollectionName) };
    },
  }),
  permission: {
    modifyResourcePermission: async (o: { resource: string }) => {
      calls.push(`modifyResourcePermission ${o.resource}`);
      throw new Error('deprecated');
    },
  },
  access: {
    getAccessList: async () => ({ APISet: state.access }),
    createAccess: async (o: { name: string; path: string }) => {
      calls.push(`createAccess ${o.path} ${o.name}`);
    },
  },
  functions: {
    createFunction: async (p: { func: { name: string; triggers?: unknown; envVariables: object }; force: boolean }) => {
      calls.push(`createFunction ${p.func.name} force=${p.force} triggers=${String(p.func.triggers)}`);
    },
    getFunctionDetail: async () => ({ Triggers: state.triggers }),
    deleteFunctionTrigger: async (name: string, trigger: string) => {
      calls.push(`deleteFunctionTrigger ${name} ${trigger}`);
    },
    createFunctionTriggers: async (name: string, triggers: { name: string }[]) => {
      calls.push(`createFunctionTriggers ${name} ${triggers.map((t) => t.name).join(',')}`);
    },
  },
};

jest.mock('@cloudbase/manager-node', () => jest.fn().mockImplementation(() => fake));

const index = (name: string, ...fields: string[]) => ({
  name,
  unique: false,
  keys: fields.map((f) => ({ name: f, direction: '1' as const })),
});
const collections: CollectionDecl[] = [
  {
    collectionName: 'bookings',
    description: 'x',
    aclTag: 'ADMINONLY',
    createIndexes: [index('status_endMs', 'status', 'endMs'), index('openid_date', '_openid', 'date')],
  },
  { collectionName: 'site_content', description: 'x', aclTag: 'ADMINONLY', createIndexes: [] },
];
const booking: RcFunction = {
  name: 'booking',
  handler: 'index.main',
  runtime: 'Nodejs18.15',
  timeout: 20,
  memorySize: 256,
  installDependency: true,
  envVariables: { HIS_APP_ID: '{{env.HIS_APP_ID}}' },
  triggers: [
    { name: 'reconcile', type: 'timer', config: '0 * * * * * *' },
    { name: 'syncSchedule', type: 'timer', config: '0 */5 * * * * *' },
    { name: 'sendMessages', type: 'timer', config: '0 * * * * * *' },
  ],
  permissions: { openapi: ['subscribeMessage.send'] },
};
const plan: DeployPlan = {
  problems: [],
  warnings: [],
  lines: [],
  functionRoot: './cloudfunctions',
  collections,
  functions: [{ rc: booking, envVariables: { HIS_APP_ID: 'app-1' } }],
};
const options: ApplyOptions = {
  envId: 'prod-1a2b',
  credentials: { secretId: 'id', secretKey: 'key' },
  functionRootPath: '/repo/cloudfunctions',
  log: () => undefined,
};

beforeEach(() => {
  calls.length = 0;
  state.access = [];
  state.tables = new Map([
    [
      'bookings',
      [
        {
          Name: 'status_endMs',
          Keys: [
            { Name: 'status', Direction: '1' },
            { Name: 'endMs', Direction: '1' },
          ],
        },
      ],
    ],
  ]);
  state.acl.clear();
  state.refuseAcl.clear();
  state.triggers = [
    { TriggerName: 'reconcile', Type: 'timer', TriggerDesc: '{"cron":"0 * * * * * *"}' },
    { TriggerName: 'syncSchedule', Type: 'timer', TriggerDesc: '{"cron":"0 */10 * * * * *"}' },
    { TriggerName: 'retired', Type: 'timer', TriggerDesc: '{"cron":"0 0 1 * * * *"}' },
  ];
});

test('collections, permissions, missing indexes, then the function and its triggers', async () => {
  const steps = await applyPlan(plan, options);
  expect(calls).toEqual([
    'createCollectionIfNotExists bookings',
    'ModifyDatabaseACL bookings ADMINONLY',
    'DescribeDatabaseACL bookings',
    'updateCollection bookings openid_date',
    'createCollectionIfNotExists site_content',
    'ModifyDatabaseACL site_content ADMINONLY',
    'DescribeDatabaseACL site_content',
    'createFunction booking force=true triggers=undefined',
    'deleteFunctionTrigger booking syncSchedule',
    'deleteFunctionTrigger booking retired',
    'createFunctionTriggers booking syncSchedule,sendMessages',
    'createAccess /payNotify payNotify',
    'createAccess /kiosk kiosk',
    'createAccess /hisEvents hisEvents',
  ]);
  expect(steps.filter((s) => s.required)).toEqual([]);
  expect(steps.map((s) => s.text)).toEqual([
    expect.stringContaining('function booking: openapi subscribeMessage.send'),
  ]);
});

test('a permission the API refuses is a required manual step', async () => {
  state.refuseAcl.add('site_content');
  const steps = await applyPlan(plan, options);
  expect(calls).toContain('modifyResourcePermission site_content');
  expect(steps.filter((s) => s.required).map((s) => s.text)).toEqual([
    expect.stringMatching(
      /^collection site_content: set 数据权限 to 仅管理端可读写 in the console .*UnauthorizedOperation/,
    ),
  ]);
});

test('HTTP access: an existing path is kept; one pointing at another function is a required step', async () => {
  state.access = [
    { Path: '/payNotify', Name: 'payNotify' },
    { Path: '/kiosk', Name: 'someOtherFunction' },
    { Path: '/hisEvents', Name: 'hisEvents' },
  ];
  const steps = await applyPlan(plan, options);
  expect(calls.filter((c) => c.startsWith('createAccess'))).toEqual([]);
  expect(steps.filter((s) => s.required).map((s) => s.text)).toEqual([
    'HTTP access /kiosk points at someOtherFunction, not kiosk: change it in the console',
  ]);
});

test('an index that exists with other keys is reported, not dropped', async () => {
  state.tables.set('bookings', [{ Name: 'status_endMs', Keys: [{ Name: 'status', Direction: '1' }] }]);
  const steps = await applyPlan(plan, options);
  expect(calls).toContain('updateCollection bookings openid_date');
  expect(steps.filter((s) => s.required).map((s) => s.text)).toEqual([
    'collection bookings: index status_endMs exists with other keys; drop it in the console, then deploy again',
  ]);
});
