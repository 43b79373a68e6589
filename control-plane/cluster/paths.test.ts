import { describe, expect, it } from 'vitest';
import { supervisorSocketPath } from './paths.ts';

describe('supervisor socket path', () => {
  it('is a socket file in the cluster folder on Unix', () => {
    expect(supervisorSocketPath('/home/a/.local/share/flotilla/clusters/dev', 'darwin')).toBe(
      '/home/a/.local/share/flotilla/clusters/dev/supervisor.sock',
    );
  });

  it('is a named pipe on Windows, one per cluster folder whatever its case', () => {
    const pipe = supervisorSocketPath('C:\\Users\\a\\flotilla\\clusters\\dev', 'win32');
    expect(pipe).toMatch(/^\\\\\.\\pipe\\flotilla-[0-9a-f]{16}$/);
    expect(supervisorSocketPath('c:\\users\\a\\flotilla\\clusters\\dev', 'win32')).toBe(pipe);
    expect(supervisorSocketPath('C:\\Users\\a\\flotilla\\clusters\\prod', 'win32')).not.toBe(pipe);
  });
});
