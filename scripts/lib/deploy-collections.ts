/**
 * Which database collections the cloud functions use, read from the TypeScript sources the bundles
 * are built from (the entries `cloudfunctions/<fn>/index.ts` and everything they import). Every
 * `.collection(x)` call is resolved through the type checker: `x` is a string literal type (a
 * constant, `BOOKING_COLLECTIONS.sessions`), or a parameter, which is followed to the call sites
 * of its function. A name that cannot be resolved is reported, so a new dynamic name fails the
 * deploy check instead of slipping past it.
 */
import { relative } from 'node:path';
import ts from 'typescript';

export interface CollectionScan {
  /** collection name → source locations (`server/adapters/clouddb/x.ts:12`) */
  used: Map<string, string[]>;
  /** locations whose collection name is not a known literal */
  unresolved: string[];
}

type ParamRef = { fn: ts.SignatureDeclaration; index: number };

const COMPILER_OPTIONS: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.Preserve,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  strict: true,
  noEmit: true,
  skipLibCheck: true,
  types: [],
};

export function scanCollections(entryFiles: readonly string[], repoRoot: string): CollectionScan {
  const program = ts.createProgram([...entryFiles], COMPILER_OPTIONS);
  const checker = program.getTypeChecker();
  const calls = ownCalls(program);
  const scan: CollectionScan = { used: new Map(), unresolved: [] };
  const where = (node: ts.Node): string => location(node, repoRoot);
  const pending: ParamRef[] = [];
  const seen = new Set<ts.SignatureDeclaration>();

  const resolveArg = (arg: ts.Expression | undefined, site: ts.Node): void => {
    if (!arg) return void scan.unresolved.push(where(site));
    const names = literalNames(checker.getTypeAtLocation(arg));
    if (names.length > 0) return void names.forEach((n) => addUse(scan, n, where(arg)));
    const param = parameterOf(arg, checker);
    if (param && !seen.has(param.fn)) {
      seen.add(param.fn);
      pending.push(param);
    } else if (!param) scan.unresolved.push(where(arg));
  };

  for (const call of calls) if (isCollectionCall(call)) resolveArg(call.arguments[0], call);
  // A parameter holding the name: every call of its function supplies it.
  for (let ref = pending.pop(); ref; ref = pending.pop()) {
    const index = ref.index;
    for (const call of calls) {
      if (checker.getResolvedSignature(call)?.declaration === ref.fn) resolveArg(call.arguments[index], call);
    }
  }
  return scan;
}

/** Call expressions in the project's own sources (not node_modules, not declaration files). */
function ownCalls(program: ts.Program): ts.CallExpression[] {
  const out: ts.CallExpression[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node)) out.push(node);
    ts.forEachChild(node, visit);
  };
  for (const file of program.getSourceFiles()) {
    if (!file.isDeclarationFile && !file.fileName.includes('/node_modules/')) visit(file);
  }
  return out;
}

function isCollectionCall(call: ts.CallExpression): boolean {
  return ts.isPropertyAccessExpression(call.expression) && call.expression.name.text === 'collection';
}

function literalNames(type: ts.Type): string[] {
  const parts = type.isUnion() ? type.types : [type];
  if (!parts.every((t) => t.isStringLiteral())) return [];
  return parts.map((t) => (t as ts.StringLiteralType).value);
}

/** The function parameter an identifier refers to, with its position. */
function parameterOf(expr: ts.Expression, checker: ts.TypeChecker): ParamRef | null {
  if (!ts.isIdentifier(expr)) return null;
  const decl = checker.getSymbolAtLocation(expr)?.valueDeclaration;
  if (!decl || !ts.isParameter(decl) || !ts.isFunctionLike(decl.parent)) return null;
  return { fn: decl.parent, index: decl.parent.parameters.indexOf(decl) };
}

function addUse(scan: CollectionScan, name: string, at: string): void {
  const sites = scan.used.get(name) ?? [];
  if (!sites.includes(at)) sites.push(at);
  scan.used.set(name, sites);
}

function location(node: ts.Node, repoRoot: string): string {
  const file = node.getSourceFile();
  const { line } = file.getLineAndCharacterOfPosition(node.getStart());
  return `${relative(repoRoot, file.fileName)}:${line + 1}`;
}
