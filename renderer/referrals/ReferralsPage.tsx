/** Placeholder: replaced by the feature's owner. */
export function ReferralsPage() {
  return <section className="placeholder">ReferralsPage</section>;
}
