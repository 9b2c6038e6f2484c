import { generateKeyPairSync } from 'node:crypto';
import forge from 'node-forge';

/** A key and certificate in PEM, as `https.createServer({ key, cert })` takes them. */
export interface TestKeyPair {
  readonly keyPem: string;
  readonly certPem: string;
}

/** A certificate authority made at test time: its certificate, and a way to issue server certificates. */
export interface TestCa {
  /** The CA certificate (PEM): what a client's `caBundle` trusts. */
  readonly certPem: string;
  /** `certPem` in base64, as an admission webhook's `clientConfig.caBundle` carries it. */
  readonly caBundle: string;
  /**
   * A server certificate signed by this CA for `hosts` (IP addresses and DNS names, as subjectAltName),
   * valid from a day ago for a year. Default hosts: `127.0.0.1` and `localhost`.
   */
  issue(hosts?: readonly string[]): TestKeyPair;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Makes a test CA in memory: RSA 2048 keys from `node:crypto`, certificates built and signed with node-forge
 * (pure JS, so no `openssl` binary is needed on CI). Nothing is written to disk.
 */
export function createTestCa(commonName = 'bcs-test-ca'): TestCa {
  const ca = newKeys();
  const caCert = newCertificate(ca.publicKey, commonName, '01');
  caCert.setIssuer(caCert.subject.attributes);
  caCert.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
  ]);
  caCert.sign(ca.privateKey, forge.md.sha256.create());
  const certPem = forge.pki.certificateToPem(caCert);
  let serial = 1;
  return {
    certPem,
    caBundle: Buffer.from(certPem).toString('base64'),
    issue(hosts = ['127.0.0.1', 'localhost']) {
      const server = newKeys();
      serial += 1;
      const cert = newCertificate(
        server.publicKey,
        hosts[0] ?? 'localhost',
        serial.toString(16).padStart(2, '0'),
      );
      cert.setIssuer(caCert.subject.attributes);
      cert.setExtensions([
        { name: 'basicConstraints', cA: false },
        { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
        { name: 'extKeyUsage', serverAuth: true },
        {
          name: 'subjectAltName',
          altNames: hosts.map((host) =>
            /^[\d.]+$/.test(host) ? { type: 7, ip: host } : { type: 2, value: host },
          ),
        },
      ]);
      cert.sign(ca.privateKey, forge.md.sha256.create());
      return { keyPem: server.privateKeyPem, certPem: forge.pki.certificateToPem(cert) };
    },
  };
}

function newKeys() {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
  });
  return {
    privateKeyPem: privateKey,
    privateKey: forge.pki.privateKeyFromPem(privateKey),
    publicKey: forge.pki.publicKeyFromPem(publicKey),
  };
}

function newCertificate(
  publicKey: forge.pki.PublicKey,
  commonName: string,
  serial: string,
): forge.pki.Certificate {
  const cert = forge.pki.createCertificate();
  cert.publicKey = publicKey;
  cert.serialNumber = serial;
  const now = Date.now();
  cert.validity.notBefore = new Date(now - DAY_MS);
  cert.validity.notAfter = new Date(now + 365 * DAY_MS);
  cert.setSubject([{ name: 'commonName', value: commonName }]);
  return cert;
}
