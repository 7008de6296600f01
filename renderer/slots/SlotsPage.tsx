/** Placeholder: replaced by the feature's owner. */
export function SlotsPage() {
  return <section className="placeholder">SlotsPage</section>;
}
