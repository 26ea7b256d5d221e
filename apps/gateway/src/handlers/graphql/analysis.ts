/**
 * What the gateway needs to know of a GraphQL document, worked out once per document: is it valid
 * against the API's schema, and for each of its operations, the root type, the root fields it
 * selects (through fragments too) and how deep it nests.
 */
import {
  Kind,
  parse,
  validate,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLError,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from './graphql-js.js';
import type { GraphQLVerb } from '@apim/contracts';

/** parsing stops past this many tokens (a body within the size limit can still be costly to parse) */
const MAX_TOKENS = 20_000;

export interface SelectedOperation {
  verb: GraphQLVerb;
  node: OperationDefinitionNode;
  /** the root fields selected, introspection ones (__schema, __type) included, __typename not */
  fields: string[];
  /** the deepest chain of fields, the root field counting 1 (__typename not counted) */
  depth: number;
}

export type Analysis =
  | { valid: true; document: DocumentNode; operations: SelectedOperation[] }
  | { valid: false; errors: readonly GraphQLError[] };

const VERBS = { query: 'QUERY', mutation: 'MUTATION', subscription: 'SUBSCRIPTION' } as const;

export function analyse(schema: GraphQLSchema, query: string): Analysis {
  let document: DocumentNode;
  try {
    document = parse(query, { maxTokens: MAX_TOKENS });
  } catch (e) {
    return { valid: false, errors: [e as GraphQLError] };
  }
  const errors = validate(schema, document);
  if (errors.length) return { valid: false, errors };
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions)
    if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
  const operations: SelectedOperation[] = [];
  for (const d of document.definitions)
    if (d.kind === Kind.OPERATION_DEFINITION)
      operations.push({
        verb: VERBS[d.operation],
        node: d,
        fields: [...rootFields(d.selectionSet, fragments, new Set())],
        depth: depthOf(d.selectionSet, fragments),
      });
  return { valid: true, document, operations };
}

/** The operation a request names (or the only one), else a message saying why there is none. */
export function selectOperation(
  operations: SelectedOperation[],
  operationName: string | undefined,
): SelectedOperation | string {
  if (operationName === undefined) {
    if (operations.length === 1) return operations[0]!;
    return 'The document holds several operations: name one with operationName';
  }
  return (
    operations.find((o) => o.node.name?.value === operationName) ??
    `The document has no operation named '${operationName}'`
  );
}

function rootFields(
  set: SelectionSetNode,
  fragments: Map<string, FragmentDefinitionNode>,
  into: Set<string>,
): Set<string> {
  for (const s of set.selections) {
    if (s.kind === Kind.FIELD) {
      if (s.name.value !== '__typename') into.add(s.name.value);
    } else if (s.kind === Kind.INLINE_FRAGMENT) rootFields(s.selectionSet, fragments, into);
    else {
      const f = fragments.get(s.name.value);
      if (f) rootFields(f.selectionSet, fragments, into);
    }
  }
  return into;
}

// validation has refused fragment cycles (NoFragmentCyclesRule), so the walk ends
function depthOf(set: SelectionSetNode | undefined, fragments: Map<string, FragmentDefinitionNode>): number {
  if (!set) return 0;
  let deepest = 0;
  for (const s of set.selections) {
    let d: number;
    if (s.kind === Kind.FIELD) d = s.name.value === '__typename' ? 0 : 1 + depthOf(s.selectionSet, fragments);
    else if (s.kind === Kind.INLINE_FRAGMENT) d = depthOf(s.selectionSet, fragments);
    else d = depthOf(fragments.get(s.name.value)?.selectionSet, fragments);
    if (d > deepest) deepest = d;
  }
  return deepest;
}
