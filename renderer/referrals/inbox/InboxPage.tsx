/** Placeholder: replaced by the feature's owner. */
export function InboxPage() {
  return <section className="placeholder">InboxPage</section>;
}
