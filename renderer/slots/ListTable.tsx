import type { ReactNode } from 'react';

/**
 * The table the booking, follow-up and slot lists share: labelled columns, then
 * a last unlabelled one for the row's buttons; the cells are the caller's.
 * `empty`: said instead of the table when there are no rows (without it, an
 * empty table stands, for a list that filters what it has).
 */
export function ListTable<Row extends { id: string }>(props: {
  columns: string[];
  rows: Row[];
  rowTestId: string;
  empty?: string;
  children(row: Row): ReactNode;
}) {
  if (props.empty !== undefined && props.rows.length === 0) return <p className="note">{props.empty}</p>;
  return (
    <table className="table">
      <thead>
        <tr>
          {props.columns.map((column) => (
            <th key={column}>{column}</th>
          ))}
          <th />
        </tr>
      </thead>
      <tbody>
        {props.rows.map((row) => (
          <tr key={row.id} data-testid={props.rowTestId}>
            {props.children(row)}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
