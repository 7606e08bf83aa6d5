import { checkPortSpec, formatHostPort, parseHost, parsePort, serviceName, uniquePorts } from '../../src/core/target.js';
import { UsageError } from '../../src/core/errors.js';

const usage = (fn: () => unknown, code: string, text: RegExp) => {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(UsageError);
    expect((e as UsageError).code).toBe(code);
    expect((e as UsageError).message).toMatch(text);
    return;
  }
  throw new Error('expected a UsageError');
};

describe('ports', () => {
  test('numbers and service names', () => {
    expect(parsePort('25')).toBe(25);
    expect(parsePort('1')).toBe(1);
    expect(parsePort('65535')).toBe(65535);
    expect(parsePort('smtp')).toBe(25);
    expect(parsePort('SUBMISSION')).toBe(587);
    expect(parsePort('imaps')).toBe(993);
    expect(parsePort('http-alt')).toBe(8080);
  });

  test('bad ports name what is wrong', () => {
    usage(() => parsePort('0'), 'PH_BAD_PORT', /0 is out of range/);
    usage(() => parsePort('65536'), 'PH_BAD_PORT', /65536 is out of range/);
    usage(() => parsePort('abc'), 'PH_BAD_PORT', /"abc" is not a port/);
    usage(() => parsePort(''), 'PH_BAD_PORT', /empty/);
    usage(() => parsePort('-1'), 'PH_BAD_PORT', /not a port/);
  });

  test('ranges and lists keep the order given', () => {
    expect(uniquePorts(['20-23'])).toEqual([20, 21, 22, 23]);
    expect(uniquePorts(['80,25,443'])).toEqual([80, 25, 443]);
    expect(uniquePorts(['smtp-26'])).toEqual([25, 26]);
    expect(uniquePorts(['http-alt'])).toEqual([8080]);
    expect(uniquePorts(['7-7'])).toEqual([7]);
    usage(() => uniquePorts(['30-20']), 'PH_BAD_RANGE', /reversed/);
    usage(() => uniquePorts(['1-70000']), 'PH_BAD_PORT', /out of range/);
  });

  test('several specs: each port once, where it first came; checked without being counted out', () => {
    expect(uniquePorts(['25', '20-26', 'smtp,80', '80'])).toEqual([25, 20, 21, 22, 23, 24, 26, 80]);
    expect(uniquePorts(['1-65535'])).toHaveLength(65535);
    expect(() => checkPortSpec('1-65535')).not.toThrow();
    usage(() => checkPortSpec('22,30-20'), 'PH_BAD_RANGE', /reversed/);
    usage(() => uniquePorts(['22', 'nope']), 'PH_BAD_PORT', /"nope" is not a port/);
  });

  test('service names for display', () => {
    expect(serviceName(25)).toBe('smtp');
    expect(serviceName(80)).toBe('http');
    expect(serviceName(12345)).toBeUndefined();
  });
});

describe('hosts', () => {
  test('names, IPv4, IPv6 with and without brackets', () => {
    expect(parseHost('mail.example.com')).toEqual({ host: 'mail.example.com' });
    expect(parseHost('127.0.0.1')).toEqual({ host: '127.0.0.1' });
    expect(parseHost('::1')).toEqual({ host: '::1' });
    expect(parseHost('[::1]')).toEqual({ host: '::1' });
    expect(parseHost('fe80::1%eth0')).toEqual({ host: 'fe80::1%eth0' });
    expect(parseHost('_srv.example.')).toEqual({ host: '_srv.example.' });
  });

  test('host:port and [v6]:port as pasted from URLs and logs', () => {
    expect(parseHost('[::1]:25')).toEqual({ host: '::1', port: 25 });
    expect(parseHost('localhost:smtp')).toEqual({ host: 'localhost', port: 25 });
    expect(parseHost('10.0.0.5:8080')).toEqual({ host: '10.0.0.5', port: 8080 });
  });

  test('bad hosts', () => {
    usage(() => parseHost(''), 'PH_BAD_HOST', /empty/);
    usage(() => parseHost('   '), 'PH_BAD_HOST', /empty/);
    usage(() => parseHost('exa mple.com'), 'PH_BAD_HOST', /not a valid host/);
    usage(() => parseHost('[nothex]'), 'PH_BAD_HOST', /IPv6/);
    usage(() => parseHost('a..b'), 'PH_BAD_HOST', /not a valid host/);
    usage(() => parseHost('host:0'), 'PH_BAD_PORT', /out of range/);
  });

  test('display puts IPv6 in brackets', () => {
    expect(formatHostPort('::1', 25)).toBe('[::1]:25');
    expect(formatHostPort('example.com', 25)).toBe('example.com:25');
  });
});
