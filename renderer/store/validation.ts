/**
 * Schema validation of every write, with each schema compiled once. RxDB's
 * z-schema plugin hands the schema object to z-schema on every document, which
 * re-checks the schema itself each time (about 2 ms a patient); registering it
 * once under an id and validating against the id costs a tenth of that, which
 * is what makes a 100,000-document initial sync affordable. z-schema, not ajv,
 * because it interprets schemas instead of generating code, which the CSP forbids.
 */
import { META_INSTANCE_SCHEMA_TITLE, type RxJsonSchema, wrappedValidateStorageFactory } from 'rxdb';
import ZSchema from 'z-schema';

const validator = ZSchema.create({ strictMode: false });
let compiled = 0;

type ValidationError = { message: string; path: string };

export function schemaValidator(schema: RxJsonSchema<unknown>): (doc: unknown) => ValidationError[] {
  // RxDB's replication bookkeeping (what the county last sent, per document) holds copies of
  // documents validated on their way into their collection; checking them again doubled the
  // validation cost of an initial sync.
  if (schema.title === META_INSTANCE_SCHEMA_TITLE) return () => [];
  // An id per compiled schema; the document's own `_meta`, `_rev`, `_attachments` and `_deleted`
  // are RxDB's and are allowed by the schema RxDB hands us (it adds them).
  const id = `xiangyi-${++compiled}-${String(schema.title ?? 'doc').replace(/\W+/g, '-')}`;
  const registered = { ...JSON.parse(JSON.stringify(schema)), id };
  validator.validateSchema(registered);
  return (doc) => {
    const result = validator.validateSafe(doc, id);
    if (result.valid) return [];
    const details =
      (result.err as { details?: Array<{ message: string; path: string }> } | undefined)?.details ?? [];
    return details.map(({ message, path }) => ({ message, path }));
  };
}

export const wrappedValidateStorage = wrappedValidateStorageFactory(
  schemaValidator as never,
  'xiangyi-z-schema',
);
