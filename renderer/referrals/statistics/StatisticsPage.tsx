/** Placeholder: replaced by the feature's owner. */
export function StatisticsPage() {
  return <section className="placeholder">StatisticsPage</section>;
}
