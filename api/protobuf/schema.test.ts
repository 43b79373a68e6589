import { describe, expect, it } from 'vitest';
import { compileSchemas, parseField } from './schema.ts';

describe('parseField', () => {
  it('reads the Go-like notation', () => {
    expect(parseField('appsv1', 1, 'replicas *int32')).toEqual({
      number: 1,
      json: 'replicas',
      inline: false,
      cardinality: 'single',
      type: 'int32',
      keepZero: true,
    });
    expect(parseField('corev1', 1, 'name string!')).toMatchObject({ keepZero: true, type: 'string' });
    expect(parseField('corev1', 5, 'workingDir string')).toMatchObject({ keepZero: false });
    expect(parseField('corev1', 2, 'containers []Container')).toMatchObject({
      cardinality: 'repeated',
      type: 'corev1.Container',
    });
    expect(parseField('corev1', 2, 'data map[string]bytes')).toMatchObject({
      cardinality: 'map',
      mapKey: 'string',
      type: 'bytes',
    });
    expect(parseField('appsv1', 3, 'template corev1.PodTemplateSpec')).toMatchObject({
      type: 'corev1.PodTemplateSpec',
    });
    expect(parseField('corev1', 2, '... VolumeSource')).toMatchObject({
      inline: true,
      json: '',
      type: 'corev1.VolumeSource',
    });
  });

  it('refuses notation mistakes', () => {
    expect(() => parseField('x', 1, 'replicas')).toThrow(/cannot parse/);
    expect(() => parseField('x', 1, '... []Thing')).toThrow(/only a single message can be inline/);
    expect(() => parseField('x', 1, 'm map[Key]string')).toThrow(/map key must be a scalar/);
  });
});

describe('compileSchemas', () => {
  it('refuses a reference to a message no package defines', () => {
    const pkg = { name: 'p', groupVersion: 'p/v1', kinds: ['A'], messages: { A: { 1: 'b B' } } };
    expect(() => compileSchemas([pkg], [])).toThrow('p.A: field 1 refers to unknown message p.B');
    expect(compileSchemas([pkg], ['p.B']).kinds.get('p/v1 A')).toBe('p.A');
  });
});
