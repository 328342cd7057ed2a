/**
 * The subset of JSON Schema (draft 2020-12) that the event schema uses, as its readers (the
 * additive-change check, the events reference) walk it: one node, its keywords typed.
 */
export interface SchemaNode {
  readonly type?: string | readonly string[]
  readonly const?: unknown
  readonly enum?: readonly unknown[]
  readonly anyOf?: readonly SchemaNode[]
  readonly oneOf?: readonly SchemaNode[]
  readonly properties?: Readonly<Record<string, SchemaNode>>
  readonly required?: readonly string[]
  readonly additionalProperties?: boolean | SchemaNode
  readonly propertyNames?: SchemaNode
  readonly items?: SchemaNode
  readonly format?: string
  readonly pattern?: string
  readonly minimum?: number
  readonly exclusiveMinimum?: number
  readonly maximum?: number
  readonly minLength?: number
  readonly description?: string
  readonly examples?: readonly unknown[]
  readonly [keyword: string]: unknown
}
