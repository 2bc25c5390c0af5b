import { describe, expect, it } from 'vitest';
import { saveRequestOf, splitMethod } from '../src/check/steps/save-request.js';

const NOTES = 'http://127.0.0.1:3000/api/notes';

describe('which requests are the save', () => {
  it('a bare pattern counts the writes to the URL, never the GET that lists the same URL', () => {
    const save = saveRequestOf('**/api/notes');
    expect(save.matches('POST', NOTES)).toBe(true);
    expect(save.matches('put', NOTES)).toBe(true);
    expect(save.matches('DELETE', NOTES)).toBe(true);
    expect(save.matches('GET', NOTES)).toBe(false);
    expect(save.matches('HEAD', NOTES)).toBe(false);
    expect(save.matches('OPTIONS', NOTES)).toBe(false);
    expect(save.matches('POST', 'http://127.0.0.1:3000/api/tasks')).toBe(false);
    expect(save.text).toBe('**/api/notes, not GET');
  });

  it('a method named first pins it, GET included', () => {
    const put = saveRequestOf('PUT **/api/notes');
    expect(put.matches('PUT', NOTES)).toBe(true);
    expect(put.matches('POST', NOTES)).toBe(false);
    const get = saveRequestOf('get **/api/save*');
    expect(get.matches('GET', 'http://127.0.0.1:3000/api/save?text=hi')).toBe(true);
    expect(get.matches('POST', 'http://127.0.0.1:3000/api/save?text=hi')).toBe(false);
    expect(get.text).toBe('GET **/api/save*');
  });

  it('RegExp and predicate patterns count writes; a word that is not a method stays part of the glob', () => {
    expect(saveRequestOf(/\/api\/notes$/).matches('POST', NOTES)).toBe(true);
    expect(saveRequestOf((url) => url.pathname === '/api/notes').matches('GET', NOTES)).toBe(false);
    expect(splitMethod('FETCH **/x')).toBeUndefined();
    expect(splitMethod('**/api/notes')).toBeUndefined();
    expect(splitMethod(' patch  **/api/me ')).toEqual({ method: 'PATCH', url: '**/api/me' });
  });
});
