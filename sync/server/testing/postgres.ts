/**
 * A throw-away PostgreSQL cluster from Debian's packages for tests: initdb into
 * a temp dir, listen on a unix socket only, stop and delete afterwards. As
 * root, initdb/postgres refuse to run, so they run as `postgres` via runuser.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

export interface PostgresCluster {
  /** Connection URL of the `postgres` database (admin). */
  adminUrl: string;
  /** Creates an empty database and returns its URL. */
  createDatabase(name?: string): Promise<string>;
  stop(): Promise<void>;
}

export function postgresBinDir(): string | null {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return null;
  const versions = readdirSync(root)
    .filter((v) => existsSync(join(root, v, 'bin', 'postgres')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] ? join(root, versions[0], 'bin') : null;
}

export function hasPostgres(): boolean {
  return postgresBinDir() !== null;
}

function asPostgres(command: string, args: string[]): [string, string[]] {
  if (process.getuid?.() === 0) return ['runuser', ['-u', 'postgres', '--', command, ...args]];
  return [command, args];
}

let counter = 0;

export async function startPostgres(): Promise<PostgresCluster> {
  const bin = postgresBinDir();
  if (!bin) throw new Error('PostgreSQL binaries not found under /usr/lib/postgresql');
  const root = mkdtempSync(join(tmpdir(), 'xiangyi-pg-'));
  const dataDir = join(root, 'data');
  const socketDir = root;
  chmodSync(root, 0o777);
  if (process.getuid?.() === 0) {
    const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
    chownSync(root, uid, gid);
  }
  const [initCmd, initArgs] = asPostgres(join(bin, 'initdb'), [
    '-D',
    dataDir,
    '-U',
    'postgres',
    '--auth=trust',
    '--encoding=UTF8',
    '--locale=C',
    '--no-sync',
  ]);
  execFileSync(initCmd, initArgs, { stdio: 'pipe' });

  const [pgCmd, pgArgs] = asPostgres(join(bin, 'postgres'), [
    '-D',
    dataDir,
    '-k',
    socketDir,
    '-c',
    'listen_addresses=',
    '-c',
    'fsync=off',
    '-c',
    'synchronous_commit=off',
    '-c',
    'full_page_writes=off',
    '-c',
    'max_connections=200',
    '-c',
    'shared_buffers=64MB',
  ]);
  const server: ChildProcess = spawn(pgCmd, pgArgs, { stdio: ['ignore', 'ignore', 'pipe'], detached: false });
  let log = '';
  server.stderr?.on('data', (chunk: Buffer) => {
    log = (log + chunk.toString()).slice(-4000);
  });
  const adminUrl = `postgresql://postgres@/postgres?host=${encodeURIComponent(socketDir)}`;
  const deadline = Date.now() + 20_000;
  for (;;) {
    const client = new pg.Client({ connectionString: adminUrl });
    try {
      await client.connect();
      await client.query('SELECT 1');
      await client.end();
      break;
    } catch {
      await client.end().catch(() => {});
      if (server.exitCode !== null || Date.now() > deadline) {
        throw new Error(`PostgreSQL did not start:\n${log}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  const stopSync = (): void => {
    try {
      const [ctlCmd, ctlArgs] = asPostgres(join(bin, 'pg_ctl'), ['-D', dataDir, '-m', 'immediate', 'stop']);
      execFileSync(ctlCmd, ctlArgs, { stdio: 'ignore' });
    } catch {
      // already stopped
    }
  };
  process.once('exit', stopSync);

  return {
    adminUrl,
    async createDatabase(name) {
      counter += 1;
      const db = name ?? `t_${process.pid}_${counter}_${Math.random().toString(36).slice(2, 8)}`;
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      await client.query(`CREATE DATABASE "${db}"`);
      await client.end();
      return `postgresql://postgres@/${db}?host=${encodeURIComponent(socketDir)}`;
    },
    async stop() {
      process.removeListener('exit', stopSync);
      const exited = new Promise<void>((resolve) => {
        if (server.exitCode !== null) resolve();
        else server.once('exit', () => resolve());
      });
      stopSync();
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5000))]);
      rmSync(root, { recursive: true, force: true });
    },
  };
}
