import { describe, expect, it } from 'vitest';
import { partialDiagnosis } from '../../../src/brain/partial-diagnosis.ts';

describe('partialDiagnosis: the diagnosis text of an answer still streaming', () => {
  it.each([
    ['', null],
    ['{"confidence": 0.5, "diagnosis": "x"', null],
    ['{"diagnosis": "', ''],
    ['{"diagnosis": "The orders datab', 'The orders datab'],
    ['```json\n{ "diagnosis" : "fenced', 'fenced'],
    ['{"diagnosis": "done.", "confidence": 0.9', 'done.'],
    ['{"diagnosis": "line\\nbreak and \\"quotes\\" \\u00e9', 'line\nbreak and "quotes" é'],
    ['{"diagnosis": "half an escape \\', 'half an escape '],
    ['{"diagnosis": "half a code \\u00', 'half a code '],
  ])('%j → %j', (soFar, expected) => {
    expect(partialDiagnosis(soFar)).toBe(expected);
  });
});
