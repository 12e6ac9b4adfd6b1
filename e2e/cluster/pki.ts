// Certificates and keys for a throwaway local cluster, made with the openssl CLI: a CA, the API server's
// serving certificate for 127.0.0.1, an admin client certificate in system:masters, and the
// ServiceAccount token signing key pair.
import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface ClusterPki {
  caCert: string;
  caKey: string;
  serverCert: string;
  serverKey: string;
  adminCert: string;
  adminKey: string;
  serviceAccountKey: string;
  serviceAccountPub: string;
}

async function openssl(args: string[], cwd: string): Promise<void> {
  await run('openssl', args, { cwd, timeout: 30_000 });
}

async function signedCert(dir: string, name: string, subject: string, extensions: string): Promise<void> {
  await openssl(['genrsa', '-out', `${name}.key`, '2048'], dir);
  await openssl(['req', '-new', '-key', `${name}.key`, '-subj', subject, '-out', `${name}.csr`], dir);
  await writeFile(join(dir, `${name}.ext`), extensions);
  await openssl(
    ['x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '7'].concat(
      ['-sha256', '-extfile', `${name}.ext`, '-out', `${name}.crt`],
    ),
    dir,
  );
}

/** Writes the cluster's PKI into `dir` and returns the file paths. */
export async function createPki(dir: string): Promise<ClusterPki> {
  await openssl(['genrsa', '-out', 'ca.key', '2048'], dir);
  await openssl(
    [
      'req',
      '-x509',
      '-new',
      '-key',
      'ca.key',
      '-subj',
      '/CN=cloudflare-operator-e2e-ca',
      '-days',
      '7',
      '-out',
      'ca.crt',
    ],
    dir,
  );
  await signedCert(
    dir,
    'apiserver',
    '/CN=kube-apiserver',
    [
      'basicConstraints=CA:FALSE',
      'keyUsage=digitalSignature,keyEncipherment',
      'extendedKeyUsage=serverAuth',
      'subjectAltName=IP:127.0.0.1,IP:10.96.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc',
    ].join('\n'),
  );
  await signedCert(
    dir,
    'admin',
    '/O=system:masters/CN=cluster-admin',
    ['basicConstraints=CA:FALSE', 'keyUsage=digitalSignature,keyEncipherment', 'extendedKeyUsage=clientAuth'].join(
      '\n',
    ),
  );
  await openssl(['genrsa', '-out', 'sa.key', '2048'], dir);
  await openssl(['rsa', '-in', 'sa.key', '-pubout', '-out', 'sa.pub'], dir);
  return {
    caCert: join(dir, 'ca.crt'),
    caKey: join(dir, 'ca.key'),
    serverCert: join(dir, 'apiserver.crt'),
    serverKey: join(dir, 'apiserver.key'),
    adminCert: join(dir, 'admin.crt'),
    adminKey: join(dir, 'admin.key'),
    serviceAccountKey: join(dir, 'sa.key'),
    serviceAccountPub: join(dir, 'sa.pub'),
  };
}

/** An admin kubeconfig with the certificates embedded, so it works from any directory. */
export async function adminKubeconfig(pki: ClusterPki, server: string): Promise<string> {
  const b64 = async (path: string): Promise<string> => (await readFile(path)).toString('base64');
  return [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    '- name: local',
    '  cluster:',
    `    server: ${server}`,
    `    certificate-authority-data: ${await b64(pki.caCert)}`,
    'users:',
    '- name: admin',
    '  user:',
    `    client-certificate-data: ${await b64(pki.adminCert)}`,
    `    client-key-data: ${await b64(pki.adminKey)}`,
    'contexts:',
    '- name: local',
    '  context: {cluster: local, user: admin}',
    'current-context: local',
    '',
  ].join('\n');
}
