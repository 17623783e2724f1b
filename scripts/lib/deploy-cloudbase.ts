/**
 * Applies a checked deploy plan to a CloudBase environment with @cloudbase/manager-node, in the
 * order the platform needs: collections (permission, indexes) first, then functions (code and
 * configuration, then their timer triggers), then the HTTP access paths (deploy-http.ts). Credentials: TENCENTCLOUD_SECRETID /
 * TENCENTCLOUD_SECRETKEY (and TENCENTCLOUD_SESSIONTOKEN for temporary keys). What the API cannot
 * do is returned as manual steps, printed at the end.
 */
import CloudBase from '@cloudbase/manager-node';
import type { IndexInfo } from '@cloudbase/manager-node/types/interfaces';
import { applyHttpAccess } from './deploy-http';
import type { DeployPlan, PlannedFunction } from './deploy-plan';
import type { CollectionDecl, IndexDecl, Trigger } from './deploy-schema';

export interface Credentials {
  secretId: string;
  secretKey: string;
  token?: string;
}

export function credentialsFrom(env: NodeJS.ProcessEnv): Credentials | null {
  const secretId = env.TENCENTCLOUD_SECRETID;
  const secretKey = env.TENCENTCLOUD_SECRETKEY;
  if (!secretId || !secretKey) return null;
  const token = env.TENCENTCLOUD_SESSIONTOKEN;
  return token ? { secretId, secretKey, token } : { secretId, secretKey };
}

export interface ApplyOptions {
  envId: string;
  credentials: Credentials;
  /** absolute path of cloudfunctions/ */
  functionRootPath: string;
  log: (line: string) => void;
}

/** A step left to the deployer; `required` ones leave the environment unsafe or broken until done. */
export interface ManualStep {
  text: string;
  required: boolean;
}

export async function applyPlan(plan: DeployPlan, o: ApplyOptions): Promise<ManualStep[]> {
  const app = new CloudBase({ ...o.credentials, envId: o.envId });
  const steps: ManualStep[] = [];
  for (const c of plan.collections) steps.push(...(await applyCollection(app, o, c)));
  for (const fn of plan.functions) steps.push(...(await applyFunction(app, o, fn)));
  for (const text of await applyHttpAccess(app, o.log)) steps.push({ text, required: true });
  return steps;
}

async function applyCollection(app: CloudBase, o: ApplyOptions, c: CollectionDecl): Promise<ManualStep[]> {
  const name = c.collectionName;
  const created = await app.database.createCollectionIfNotExists(name);
  o.log(`collection ${name}: ${created.IsCreated ? 'created' : 'exists'}`);
  const steps: ManualStep[] = [];
  const acl = await setAcl(app, o.envId, name, c.aclTag);
  if (acl.ok) o.log(`collection ${name}: permission ${c.aclTag}`);
  else {
    const text = `collection ${name}: set 数据权限 to 仅管理端可读写 in the console (数据库 → ${name} → 数据权限); the API said: ${acl.error}`;
    steps.push({ text, required: true });
  }
  for (const text of await applyIndexes(app, o, name, c.createIndexes)) steps.push({ text, required: true });
  return steps;
}

/**
 * The collection permission (数据库简易权限) through the tcb API ModifyDatabaseACL, read back with
 * DescribeDatabaseACL; if the environment refuses that action, manager-node's
 * permission.modifyResourcePermission (the newer resource-permission API) is tried.
 */
async function setAcl(
  app: CloudBase,
  envId: string,
  name: string,
  tag: CollectionDecl['aclTag'],
): Promise<{ ok: true } | { ok: false; error: string }> {
  const tcb = app.commonService('tcb');
  try {
    await tcb.call({ Action: 'ModifyDatabaseACL', Param: { EnvId: envId, CollectionName: name, AclTag: tag } });
    const res = (await tcb.call({ Action: 'DescribeDatabaseACL', Param: { EnvId: envId, CollectionName: name } })) as {
      AclTag?: string;
    };
    if (res.AclTag === tag) return { ok: true };
    throw new Error(`DescribeDatabaseACL answered ${String(res.AclTag)}`);
  } catch (first) {
    try {
      await app.permission.modifyResourcePermission({ resourceType: 'collection', resource: name, permission: tag });
      return { ok: true };
    } catch (second) {
      return { ok: false, error: `${message(first)}; ${message(second)}` };
    }
  }
}

async function applyIndexes(
  app: CloudBase,
  o: ApplyOptions,
  name: string,
  wanted: readonly IndexDecl[],
): Promise<string[]> {
  const existing = (await app.database.describeCollection(name)).Indexes ?? [];
  const byName = new Map(existing.map((ix) => [ix.Name, ix]));
  const steps: string[] = [];
  const missing = wanted.filter((ix) => !byName.has(ix.name));
  for (const ix of wanted) {
    const there = byName.get(ix.name);
    if (there && !sameKeys(there, ix)) {
      steps.push(
        `collection ${name}: index ${ix.name} exists with other keys; drop it in the console, then deploy again`,
      );
    }
  }
  if (missing.length > 0) {
    await app.database.updateCollection(name, {
      CreateIndexes: missing.map((ix) => ({
        IndexName: ix.name,
        MgoKeySchema: {
          MgoIsUnique: ix.unique,
          MgoIndexKeys: ix.keys.map((k) => ({ Name: k.name, Direction: k.direction })),
        },
      })),
    });
  }
  o.log(`collection ${name}: indexes ${missing.length} created, ${wanted.length - missing.length} already there`);
  return steps;
}

function sameKeys(there: IndexInfo, ix: IndexDecl): boolean {
  const a = (there.Keys ?? []).map((k) => `${k.Name}:${Number(k.Direction)}`).join(',');
  return a === ix.keys.map((k) => `${k.name}:${Number(k.direction)}`).join(',');
}

async function applyFunction(app: CloudBase, o: ApplyOptions, fn: PlannedFunction): Promise<ManualStep[]> {
  const { rc } = fn;
  // Triggers are synced separately below: createFunction would only add, never remove or change.
  await app.functions.createFunction({
    func: {
      name: rc.name,
      handler: rc.handler,
      runtime: rc.runtime,
      timeout: rc.timeout,
      memorySize: rc.memorySize,
      installDependency: rc.installDependency,
      isWaitInstall: true,
      envVariables: fn.envVariables,
      ...(rc.ignore ? { ignore: rc.ignore } : {}),
    },
    functionRootPath: o.functionRootPath,
    force: true,
  });
  o.log(`function ${rc.name}: code and configuration deployed (${Object.keys(fn.envVariables).length} variables)`);
  await syncTriggers(app, o, rc.name, rc.triggers);
  if (rc.permissions.openapi.length === 0) return [];
  const text =
    `function ${rc.name}: openapi ${rc.permissions.openapi.join(', ')} is declared in config.json, which the code ` +
    `package includes; WeChat applies it when DevTools uploads the function. If a call answers -604101 ` +
    `(no permission), upload cloudfunctions/${rc.name} once from DevTools (上传并部署：云端安装依赖).`;
  return [{ text, required: false }];
}

async function syncTriggers(app: CloudBase, o: ApplyOptions, name: string, wanted: readonly Trigger[]): Promise<void> {
  const detail = await app.functions.getFunctionDetail(name);
  const current = (detail.Triggers ?? []).filter((t) => (t.Type ?? 'timer') === 'timer');
  const wantedByName = new Map(wanted.map((t) => [t.name, t]));
  const keep = new Set<string>();
  for (const t of current) {
    const triggerName = t.TriggerName ?? t.Name;
    const w = wantedByName.get(triggerName);
    if (w && cronOf(t.TriggerDesc ?? t.Config) === w.config) keep.add(triggerName);
    else await app.functions.deleteFunctionTrigger(name, triggerName);
  }
  const create = wanted.filter((t) => !keep.has(t.name));
  if (create.length > 0)
    await app.functions.createFunctionTriggers(
      name,
      create.map((t) => ({ ...t })),
    );
  o.log(
    `function ${name}: triggers ${keep.size} unchanged, ${create.length} created, ${current.length - keep.size} removed`,
  );
}

/** SCF reports a timer's description as `{"cron":"…"}`. */
export function cronOf(desc: string | undefined): string {
  if (!desc) return '';
  try {
    const parsed = JSON.parse(desc) as { cron?: unknown };
    return typeof parsed.cron === 'string' ? parsed.cron : desc;
  } catch {
    return desc;
  }
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
