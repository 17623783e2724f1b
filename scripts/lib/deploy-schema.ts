/**
 * Shapes of the files one deploy reads: `cloudbaserc.json` (CloudBase CLI config, version 2.0),
 * each `cloudfunctions/<fn>/config.json` (what WeChat DevTools and the devstack read) and
 * `database.json` (collections, permission, indexes). Strict where a typo would silently change
 * the deployment (an unknown key in a function entry is refused, not ignored).
 */
import { z } from 'zod';

export const TriggerSchema = z.strictObject({
  name: z.string().min(1),
  type: z.literal('timer'),
  config: z.string().min(1),
});
export type Trigger = z.infer<typeof TriggerSchema>;

const OpenapiSchema = z.strictObject({ openapi: z.array(z.string().min(1)) });

export const RcFunctionSchema = z.strictObject({
  name: z.string().min(1),
  handler: z.string().min(1),
  runtime: z.string().min(1),
  timeout: z.number().int().min(1).max(900),
  memorySize: z.number().int(),
  installDependency: z.boolean(),
  ignore: z.array(z.string()).optional(),
  envVariables: z.record(z.string(), z.string()),
  triggers: z.array(TriggerSchema),
  permissions: OpenapiSchema,
});
export type RcFunction = z.infer<typeof RcFunctionSchema>;

/** Function entries are parsed one by one (RcFunctionSchema), so one bad entry hides no other. */
export const CloudbasercSchema = z.object({
  version: z.literal('2.0'),
  envId: z.string().optional(),
  functionRoot: z.string().min(1),
  functions: z.array(z.unknown()),
});
export type Cloudbaserc = z.infer<typeof CloudbasercSchema>;

/** config.json: DevTools reads `permissions` and `triggers`; the devstack also reads `timeout`. */
export const FolderConfigSchema = z.object({
  permissions: OpenapiSchema,
  triggers: z.array(TriggerSchema),
  timeout: z.number().int().positive().optional(),
});
export type FolderConfig = z.infer<typeof FolderConfigSchema>;

export const FunctionPackageSchema = z.object({
  main: z.string().optional(),
  dependencies: z.record(z.string(), z.string()).optional(),
});
export type FunctionPackage = z.infer<typeof FunctionPackageSchema>;

/** The shape of CloudBase Framework's database plugin (`collectionName`, `aclTag`, `createIndexes`). */
const IndexKeySchema = z.strictObject({ name: z.string().min(1), direction: z.enum(['1', '-1']) });
export const IndexSchema = z.strictObject({
  name: z.string().regex(/^[A-Za-z0-9_]{1,64}$/),
  unique: z.boolean(),
  keys: z.array(IndexKeySchema).min(1),
});
export type IndexDecl = z.infer<typeof IndexSchema>;

export const AclTags = ['ADMINONLY', 'ADMINWRITE', 'PRIVATE', 'READONLY'] as const;
export const CollectionSchema = z.strictObject({
  collectionName: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/),
  description: z.string().min(1),
  aclTag: z.enum(AclTags),
  createIndexes: z.array(IndexSchema).max(20),
});
export type CollectionDecl = z.infer<typeof CollectionSchema>;

export const DatabaseSchema = z.strictObject({ collections: z.array(CollectionSchema) });
export type DatabaseDecl = z.infer<typeof DatabaseSchema>;

export type Parsed<T> = { ok: true; value: T } | { ok: false; problems: string[] };

/** Parses `data` with `schema`; each issue becomes one problem naming the file and the path. */
export function parseWith<T>(schema: z.ZodType<T>, data: unknown, file: string): Parsed<T> {
  const res = schema.safeParse(data);
  if (res.success) return { ok: true, value: res.data };
  return {
    ok: false,
    problems: res.error.issues.map((i) => `${file}: ${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`),
  };
}
