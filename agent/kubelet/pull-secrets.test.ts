import { describe, expect, it } from 'vitest';
import { imageRepository, pullAuthFor } from './pull-secrets.ts';

const dockerconfigjson = (auths: Record<string, object>) =>
  new Map([['.dockerconfigjson', Buffer.from(JSON.stringify({ auths }))]]);

describe('image pull secrets', () => {
  it.each([
    ['busybox', 'docker.io/library/busybox'],
    ['busybox:1.36', 'docker.io/library/busybox'],
    ['flotilla/busybox:1', 'docker.io/flotilla/busybox'],
    ['docker.io/flotilla/busybox:1', 'docker.io/flotilla/busybox'],
    ['index.docker.io/library/nginx', 'docker.io/library/nginx'],
    ['10.0.0.1:5000/team/app@sha256:abc', '10.0.0.1:5000/team/app'],
    ['localhost/app:dev', 'localhost/app'],
  ])('reads %s as repository %s', (image, repository) => {
    expect(imageRepository(image)).toBe(repository);
  });

  it('gives the credential of the matching registry, from auth or username/password', () => {
    const secret = dockerconfigjson({
      '10.0.0.1:5000': { auth: Buffer.from('alice:s3cret').toString('base64') },
      'other.example': { username: 'bob', password: 'pw' },
    });
    expect(pullAuthFor('10.0.0.1:5000/team/app:1', [secret])).toEqual({
      username: 'alice',
      password: 's3cret',
    });
    expect(pullAuthFor('docker.io/library/busybox', [secret])).toBeUndefined();
  });

  it('takes Docker Hub keys in any of their spellings for docker.io images', () => {
    const secret = dockerconfigjson({ 'https://index.docker.io/v1/': { username: 'u', password: 'p' } });
    expect(pullAuthFor('busybox', [secret])).toMatchObject({ username: 'u', password: 'p' });
  });

  it('prefers the most specific path, across secrets', () => {
    const wide = dockerconfigjson({ 'reg.example': { username: 'wide', password: 'p' } });
    const narrow = dockerconfigjson({ 'reg.example/team': { username: 'team', password: 'p' } });
    expect(pullAuthFor('reg.example/team/app', [wide, narrow])?.username).toBe('team');
    expect(pullAuthFor('reg.example/teamwork/app', [wide, narrow])?.username).toBe('wide');
  });

  it('reads the legacy .dockercfg format and ignores unreadable secrets', () => {
    const legacy = new Map([
      ['.dockercfg', Buffer.from(JSON.stringify({ 'reg.example': { username: 'old', password: 'p' } }))],
    ]);
    const broken = new Map([['.dockerconfigjson', Buffer.from('{not json')]]);
    expect(pullAuthFor('reg.example/app', [broken, legacy])?.username).toBe('old');
  });
});
