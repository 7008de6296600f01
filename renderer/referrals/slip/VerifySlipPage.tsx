/** Placeholder: replaced by the feature's owner. */
export function VerifySlipPage() {
  return <section className="placeholder">VerifySlipPage</section>;
}
