// The simulated trail's digest-signing key. It signs fake CloudTrail digests so tests can break
// and detect the chain; it protects nothing, which is why it can live in the repository. RSA
// PKCS#1 v1.5 signatures are deterministic, so simulated trails stay byte-for-byte repeatable.
import { createHash, createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';

const PEM = `-----BEGIN RSA PRIVATE KEY-----
MIIEpAIBAAKCAQEA6JcKWw8stSezfSi26Xuk4TJI0ANB0SS/nR3hTmqZGv8dcl/Y
bIgNYxIoMIezfNsY9QiB9AHuE0ZKPRKb0gLI8LKT/epcaPF5msKTIe+pWxaLFfxH
bB1oodhsZKsJ/71zEwADOMpf4yn5lqiAEriw/rELJzra9cfPVhcKyQEvcVf02CfI
0eTHltdrJslEhp54aX4C8U97rKGporHtVvE68QfNryXCaQxjvmH/eYRwcGaHJwux
MiNw07KD8EdJ5HmFFsfeKI7Y3vRwwtVkB2uyrIBBXKOc21MpbfJVhsWs/xLTv2R0
ZEpZV1qr6bGCKQnHaUOOrsPpu8HLzDC4ZfeWqQIDAQABAoIBAArvjhS3tw8J77Qg
6c+6yObvM7H3Ez1DhHBdVyp2E96Lc+2coMsCjxmTQRk+CiQC066ysJSB0jktBwDN
2w5x49OAW/m2bxOelex/PUZ9U5nFKrM1DkEgtVqVt8v4aEMSW+Ke76fYCQ/f2Xy6
TbJDpYvGFHuK1oBznXWjZfYLNJk4Neg/FEGd/47anhxEcTp5fSTaTW8jpDoldRDx
n0qlCis/HHI8ytorKtt3FaaGwHkfzxSWBrYZxoYCRZUfBY6NeZwrDu6V2WkSD5dx
bG66hChD1ojz3yNnKgx7ISjL/4cLNnqfDPv2YU7pipf7kEOz3a7H46Ktg1Ugzt6f
LoApQbECgYEA9QG+8jDMCJMYh3PV8R4vigodH/4YmvoSO/PVk7XSp8M9a+K4HsIN
nBNhwkyrFGRygNtENflVGCLnrE46CrBS7Lob1PqGOWVpB5Bb//9IiivugNPLEvJL
L4WGYRtD6vFPZaoITjePHURCt4nVMLebiOV2Lf2M7HYjUxxyE4FQnrkCgYEA8war
bTdDVKykhmOi1QzsdHIDeHpOY9iga9+3frvFWjGJew6Xhlli/ihE8lzt4VvHpJpX
1BtS/mlBw3FxACPVVGFkwWW3HzzGKoCz85oPlOXisuVM961qwxgliHFvGbW4a4g5
xsb69ITCXHNfDghq1koY7MpVh9urk9QJMrPiP3ECgYEAjyFb+YTETWYReGAVZezq
fMv3w87fdPoOWPPTm50m2VbXtQUX5vAan0k7XRUJBLrBocF2kcl9CsKpcSGqCsCD
UURQKhXJABLcTszo0h7Cs+WCScRw6Dqf7b0liekxvjkG1y+D9p3Cf6h3CV3+K523
wTu71JZBE4rYjB8cDYUIIhECgYEAjp1cXiQvC/KgPgkcVkBWRmNd7AaCGA/Y3FUV
vnZ8cthdIGzIuNudvx5sj3m/Ux9kAhFc9yjtxESKhiH9OSLOHs1kriV9mAQ3Glwa
vhqriCp7pZXwW+xVmZWC+RXwJ7s/NUNk/GRqgrGhyVUe9AI2h/hFtjdqh+Z+QqsM
lsd/PtECgYBt7Bz1kbVjl3Tof5cAVHcC+0xu4peTGLCaQOmKLkGzE5FRC+JYRi35
OJ+comnn+vubQQP30TdaAEKqZ1WvpPXYrZkRdgSkNSL1O+LGQPbfLCnK9cb2+eUe
7BwO7owfYkhvJ3u++tfwIYDPrWQmLH/Gh+2G1ALFtDfcFBWDqlNlDA==
-----END RSA PRIVATE KEY-----`;

export const SIMULATOR_PRIVATE_KEY: KeyObject = createPrivateKey(PEM);

/** DER (PKCS#1) public key, as ListPublicKeys returns it (base64 in JSON). */
export const SIMULATOR_PUBLIC_KEY_DER: Buffer = createPublicKey(SIMULATOR_PRIVATE_KEY).export({
  type: 'pkcs1',
  format: 'der',
});

/** The fingerprint digests name their key by: hex MD5 of the DER public key. */
export const SIMULATOR_KEY_FINGERPRINT = createHash('md5').update(SIMULATOR_PUBLIC_KEY_DER).digest('hex');
