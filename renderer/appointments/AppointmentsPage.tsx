/** Placeholder: replaced by the feature's owner. */
export function AppointmentsPage() {
  return <section className="placeholder">AppointmentsPage</section>;
}
