/**
 * `npm start` runs this when Electron is not available; the browser tests and
 * benchmarks start it the same way. The first line printed names the URL.
 */
import { runHeadlessHost } from './main';

const host = await runHeadlessHost();
console.log(`Xiangyi is running headless at ${host.url}`);
const stop = async () => {
  await host.close();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
