import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Engine } from '../../src/engine/index.js';
import { fires, loadRules, proc, record, rule, run, SYSMON } from './rule-fixtures.js';

test('values compare case-insensitively unless cased', async () => {
  const r = proc({ Image: 'C:\\Windows\\System32\\CMD.EXE' });
  assert.ok(await fires(`    sel:\n        Image|endswith: '\\cmd.exe'\n    condition: sel`, r));
  assert.ok(!(await fires(`    sel:\n        Image|endswith|cased: '\\cmd.exe'\n    condition: sel`, r)));
  assert.ok(await fires(`    sel:\n        Image|endswith|cased: '\\CMD.EXE'\n    condition: sel`, r));
});

test('lists are OR, all makes them AND, maps are AND, lists of maps are OR', async () => {
  const r = proc({ CommandLine: 'net user hacker /add', Image: 'C:\\net.exe' });
  assert.ok(
    await fires(`    sel:\n        CommandLine|contains: [' user ', 'nothing']\n    condition: sel`, r),
  );
  assert.ok(
    await fires(`    sel:\n        CommandLine|contains|all: [' user ', '/add']\n    condition: sel`, r),
  );
  assert.ok(
    !(await fires(
      `    sel:\n        CommandLine|contains|all: [' user ', '/delete']\n    condition: sel`,
      r,
    )),
  );
  assert.ok(
    !(await fires(
      `    sel:\n        CommandLine|contains: 'user'\n        Image|endswith: 'cmd.exe'\n    condition: sel`,
      r,
    )),
  );
  assert.ok(
    await fires(
      `    sel:\n        - Image|endswith: 'cmd.exe'\n        - CommandLine|contains: '/add'\n    condition: sel`,
      r,
    ),
  );
  // Many values go through one automaton: same answers.
  const many = ['aaa', 'bbb', 'ccc', 'ddd', ' user ', 'eee'].map((v) => `'${v}'`).join(', ');
  assert.ok(await fires(`    sel:\n        CommandLine|contains: [${many}]\n    condition: sel`, r));
  assert.ok(!(await fires(`    sel:\n        CommandLine|contains|all: [${many}]\n    condition: sel`, r)));
  const present = ['net', 'user', 'hack', '/add'].map((v) => `'${v}'`).join(', ');
  assert.ok(await fires(`    sel:\n        CommandLine|contains|all: [${present}]\n    condition: sel`, r));
});

test('a rule never fires outside its logsource', async () => {
  const det = `    sel:\n        CommandLine|contains: 'mimikatz'\n    condition: sel`;
  const data = { CommandLine: 'mimikatz.exe' };
  assert.ok(await fires(det, record(SYSMON, 1, data)));
  assert.ok(!(await fires(det, record(SYSMON, 3, data))), 'Sysmon 3 is network_connection');
  assert.ok(!(await fires(det, record('Security', 1, data))), 'event 1 in another channel');
  assert.ok(!(await fires(det, record('Microsoft-Windows-PowerShell/Operational', 4104, data))));
  // Channel names compare case-insensitively.
  assert.ok(await fires(det, record(SYSMON.toUpperCase(), 1, data)));
});

test('process_creation from Security 4688 with mapped field names', async () => {
  const det = `    sel:\n        Image|endswith: '\\whoami.exe'\n        ParentImage|endswith: '\\cmd.exe'\n    condition: sel`;
  const r4688 = record('Security', 4688, {
    NewProcessName: 'C:\\Windows\\System32\\whoami.exe',
    ParentProcessName: 'C:\\Windows\\System32\\cmd.exe',
  });
  assert.ok(await fires(det, r4688));
  const rs = await loadRules([rule(det)]);
  const d = run(rs, [r4688])[0]!;
  assert.equal(d.fields.NewProcessName, 'C:\\Windows\\System32\\whoami.exe');
  assert.equal(d.host, 'host1');
  assert.equal(d.eventId, 4688);
});

test('service logsources, EventID selection and the index', async () => {
  const rs = await loadRules([
    rule(
      `    sel:\n        EventID: 4624\n        LogonType: 10\n    condition: sel`,
      'product: windows\n    service: security',
    ),
  ]);
  assert.deepEqual(rs.rules[0]!.eventIds, [4624]);
  assert.deepEqual(rs.rules[0]!.channels, ['security']);
  assert.equal(run(rs, [record('Security', 4624, { LogonType: '10' })]).length, 1);
  assert.equal(
    run(rs, [record('Security', 4624, { LogonType: 10 })]).length,
    1,
    'numbers compare with numeric text',
  );
  assert.equal(run(rs, [record('Security', 4625, { LogonType: '10' })]).length, 0);
  assert.equal(run(rs, [record('System', 4624, { LogonType: '10' })]).length, 0);
});

test('hex and decimal numbers compare by value', async () => {
  const det = `    sel:\n        Status: 0xc000006a\n    condition: sel`;
  const ls = 'product: windows\n    service: security';
  assert.ok(await fires(det, record('Security', 4625, { Status: '0xC000006A' }), ls));
  assert.ok(!(await fires(det, record('Security', 4625, { Status: '0xC000006D' }), ls)));
});

test('null, empty string and exists', async () => {
  const withEmpty = proc({ Image: 'a.exe', OriginalFileName: '' });
  const without = proc({ Image: 'a.exe' });
  const isNull = `    sel:\n        OriginalFileName: null\n    condition: sel`;
  assert.ok(await fires(isNull, without));
  assert.ok(await fires(isNull, withEmpty));
  assert.ok(!(await fires(isNull, proc({ OriginalFileName: 'x.exe' }))));
  const isEmpty = `    sel:\n        OriginalFileName: ''\n    condition: sel`;
  assert.ok(await fires(isEmpty, withEmpty));
  assert.ok(!(await fires(isEmpty, without)));
  assert.ok(await fires(`    sel:\n        OriginalFileName|exists: true\n    condition: sel`, withEmpty));
  assert.ok(!(await fires(`    sel:\n        OriginalFileName|exists: true\n    condition: sel`, without)));
  assert.ok(await fires(`    sel:\n        OriginalFileName|exists: false\n    condition: sel`, without));
});

test('keywords search every field value', async () => {
  const r = record('System', 7045, { ServiceName: 'evil', ImagePath: 'C:\\temp\\PsExeSvc.exe' });
  const ls = 'product: windows\n    service: system';
  assert.ok(await fires(`    keywords:\n        - 'psexesvc'\n    condition: keywords`, r, ls));
  assert.ok(!(await fires(`    keywords:\n        - 'mimikatz'\n    condition: keywords`, r, ls)));
  assert.ok(
    await fires(
      `    keywords:\n        - 'a1'\n        - 'b2'\n        - 'c3'\n        - 'evil'\n    condition: keywords`,
      r,
      ls,
    ),
  );
  assert.ok(
    await fires(
      `    keywords:\n        '|all':\n            - 'evil'\n            - 'temp'\n    condition: keywords`,
      r,
      ls,
    ),
  );
  assert.ok(
    !(await fires(
      `    keywords:\n        '|all':\n            - 'evil'\n            - 'nope'\n    condition: keywords`,
      r,
      ls,
    )),
  );
});

test('condition grammar end to end: not, 1 of, all of, them', async () => {
  const r = proc({ Image: 'C:\\x\\rundll32.exe', CommandLine: 'rundll32 evil.dll,Start' });
  const sels = `    sel_img:\n        Image|endswith: '\\rundll32.exe'\n    sel_cli:\n        CommandLine|contains: ',Start'\n    filter_x:\n        CommandLine|contains: 'legit'\n`;
  assert.ok(await fires(`${sels}    condition: all of sel_* and not 1 of filter_*`, r));
  assert.ok(await fires(`${sels}    condition: 1 of them`, r));
  assert.ok(!(await fires(`${sels}    condition: all of them`, r)));
  assert.ok(!(await fires(`${sels}    condition: sel_img and not sel_cli`, r)));
  assert.ok(await fires(`${sels}    condition: (filter_x or sel_cli) and sel_img`, r));
});

test('cidr rules over a stream of addresses: each record is judged on its own address', async () => {
  // The cidr test keeps the last parsed address: records that alternate addresses (and rules that test the
  // same address against other networks, and non-addresses in between) must never see a stale one.
  const texts = [
    rule(`    sel:\n        DestinationIp|cidr: '10.0.0.0/8'\n    condition: sel`),
    rule(`    sel:\n        DestinationIp|cidr: ['192.168.0.0/16', 'fe80::/10']\n    condition: sel`),
    rule(
      `    sel:\n        DestinationIp|cidr: '10.0.0.0/8'\n    filter:\n        SourceIp|cidr: '10.0.0.0/8'\n    condition: sel and not filter`,
    ),
  ];
  const rs = await loadRules(texts);
  const [ten, privateOrLinkLocal, tenFromOutside] = texts.map((t) => /^title: (.*)$/m.exec(t)![1]);
  const stream: [string, string, (string | undefined)[]][] = [
    ['10.1.2.3', '10.9.9.9', [ten]],
    ['192.168.1.1', '192.168.1.1', [privateOrLinkLocal]],
    ['10.1.2.3', '8.8.8.8', [ten, tenFromOutside]],
    ['-', '10.1.2.3', []],
    ['fe80::1%eth0', '10.1.2.3', [privateOrLinkLocal]],
    ['10.255.0.1', '-', [ten, tenFromOutside]],
    ['11.0.0.1', '11.0.0.1', []],
  ];
  const engine = new Engine(rs);
  for (const [dst, src, want] of stream) {
    const got: string[] = [];
    engine.match(proc({ DestinationIp: dst, SourceIp: src }), (d) => got.push(d.rule.title));
    assert.deepEqual(got.sort(), [...want].sort(), `${dst} from ${src}`);
  }
});

test('windash, re, cidr, lt/gt, base64offset, fieldref, time parts', async () => {
  const r = proc({
    CommandLine: 'powershell \u2013enc SQBFAFgAIAAoAE4AZQB3AC0ATwBiAGoAZQBjAHQA',
    Image: 'C:\\Windows\\powershell.exe',
    ParentImage: 'C:\\Windows\\powershell.exe',
    DestinationIp: '10.1.2.3',
    ProcessId: '4242',
    UtcTime: '2024-05-01 23:15:00.000',
  });
  assert.ok(await fires(`    sel:\n        CommandLine|contains|windash: ' -enc '\n    condition: sel`, r));
  assert.ok(await fires(`    sel:\n        CommandLine|re: '(?i)POWERSHELL\\s+.enc'\n    condition: sel`, r));
  assert.ok(!(await fires(`    sel:\n        CommandLine|re: 'POWERSHELL'\n    condition: sel`, r)));
  assert.ok(await fires(`    sel:\n        CommandLine|re|i: 'POWERSHELL'\n    condition: sel`, r));
  assert.ok(
    await fires(
      `    sel:\n        DestinationIp|cidr: ['192.168.0.0/16', '10.0.0.0/8']\n    condition: sel`,
      r,
    ),
  );
  assert.ok(!(await fires(`    sel:\n        DestinationIp|cidr: '10.2.0.0/16'\n    condition: sel`, r)));
  assert.ok(await fires(`    sel:\n        ProcessId|gt: 4000\n    condition: sel`, r));
  assert.ok(!(await fires(`    sel:\n        ProcessId|lt: 4242\n    condition: sel`, r)));
  assert.ok(await fires(`    sel:\n        ProcessId|lte: 4242\n    condition: sel`, r));
  assert.ok(
    await fires(
      `    sel:\n        CommandLine|wide|base64offset|contains: 'IEX (New-Object'\n    condition: sel`,
      r,
    ),
  );
  assert.ok(
    !(await fires(
      `    sel:\n        CommandLine|wide|base64offset|contains: 'Invoke-Mimikatz'\n    condition: sel`,
      r,
    )),
  );
  assert.ok(await fires(`    sel:\n        Image|fieldref: ParentImage\n    condition: sel`, r));
  assert.ok(!(await fires(`    sel:\n        Image|fieldref: CommandLine\n    condition: sel`, r)));
  assert.ok(await fires(`    sel:\n        UtcTime|hour: 23\n    condition: sel`, r));
  assert.ok(await fires(`    sel:\n        UtcTime|hour|gte: 22\n    condition: sel`, r));
  assert.ok(!(await fires(`    sel:\n        UtcTime|month: 6\n    condition: sel`, r)));
  assert.ok(await fires(`    sel:\n        Image|neq: 'C:\\Windows\\cmd.exe'\n    condition: sel`, r));
});

test('expand fills placeholders from configuration', async () => {
  const det = `    sel:\n        User|expand: '%Admins%'\n    condition: sel`;
  const rs = await loadRules([rule(det)], {
    expandValues: new Map([['Admins', ['CORP\\alice', 'CORP\\bob']]]),
  });
  assert.equal(run(rs, [proc({ User: 'corp\\bob' })]).length, 1);
  assert.equal(run(rs, [proc({ User: 'corp\\eve' })]).length, 0);
  const missing = await loadRules([rule(det)], { expandConfig: '/nonexistent' });
  assert.equal(missing.rules.length, 0);
  assert.equal(missing.outcomes[0]!.status, 'unsupported');
  assert.match(missing.outcomes[0]!.reason!, /%Admins%.*config\/expand\/Admins\.txt/);
});

test('filters exclude matches of the rules they name', async () => {
  const base = rule(`    sel:\n        Image|endswith: '\\schtasks.exe'\n    condition: sel`);
  const id = /id: (\S+)/.exec(base)![1]!;
  const filter = `title: Our admin box\nlogsource:\n    product: windows\n    category: process_creation\nfilter:\n    rules:\n        - ${id}\n    admin:\n        User: 'CORP\\admin'\n    condition: not admin\n`;
  const rs = await loadRules([base, filter]);
  assert.equal(rs.filters.length, 1);
  assert.equal(run(rs, [proc({ Image: 'C:\\schtasks.exe', User: 'CORP\\admin' })]).length, 0);
  assert.equal(run(rs, [proc({ Image: 'C:\\schtasks.exe', User: 'CORP\\eve' })]).length, 1);
});

test('detections carry rule facts and capped fields; stats count hits', async () => {
  const rs = await loadRules([rule(`    sel:\n        CommandLine|contains: 'x'\n    condition: sel`)]);
  const engine = new Engine(rs, { timing: true });
  const long = 'x'.repeat(5_000);
  const out: string[] = [];
  engine.match(proc({ CommandLine: long, Image: 'a.exe' }), (d) => {
    out.push(d.fields.CommandLine!);
    assert.equal(d.rule.level, 'high');
    assert.equal(d.fields.Image, 'a.exe');
    assert.equal(d.timestamp, Date.parse('2024-05-01T10:20:30.000Z'));
  });
  assert.equal(out.length, 1);
  assert.ok(out[0]!.length <= 2_001);
  const stats = engine.stats();
  assert.equal(stats[0]!.hits, 1);
  assert.equal(engine.ruleCount, 1);
  const none = new Engine(rs, { select: () => false });
  assert.equal(none.ruleCount, 0);
});

test('correlation rules over detection rules fire through the engine', async () => {
  const base = rule(
    `    sel:\n        EventID: 4625\n    condition: sel`,
    'product: windows\n    service: security',
    'name: failed_logon\n',
  );
  const corr = `title: Many failed logons\nid: 11111111-2222-4333-8444-555555555555\ncorrelation:\n    type: event_count\n    rules:\n        - failed_logon\n    group-by:\n        - TargetUserName\n    timespan: 5m\n    condition:\n        gte: 3\nlevel: high\n`;
  const rs = await loadRules([base, corr]);
  assert.equal(rs.correlations.length, 1, JSON.stringify(rs.problems));
  const recs = [1, 2, 3].map((i) => record('Security', 4625, { TargetUserName: 'alice', n: i }));
  const out = run(rs, recs);
  assert.ok(
    out.some((d) => d.rule.kind === 'event_count' && d.correlation?.groupBy.TargetUserName === 'alice'),
  );
  assert.ok(!out.some((d) => d.rule.kind === 'rule'), 'the referenced rule is silent without generate');
});

test('hostile values: huge and odd field values neither crash nor hang', async () => {
  const rs = await loadRules([
    rule(`    sel:\n        CommandLine|re: '(a+)+$'\n    condition: sel`),
    rule(`    sel:\n        CommandLine|contains|all: ['a?b', 'c*d']\n    condition: sel`),
    rule(`    sel:\n        CommandLine|cidr: '10.0.0.0/8'\n    condition: sel`),
  ]);
  const start = performance.now();
  const hostile = ['a'.repeat(200_000) + '!', '\u0000'.repeat(10_000), '?'.repeat(100_000), '::::::::'];
  const out = run(
    rs,
    hostile.map((CommandLine) => proc({ CommandLine })),
  );
  assert.equal(out.length, 0);
  assert.ok(performance.now() - start < 10_000);
});

test('correlation hits can be routed out to a central correlation engine', async () => {
  const base = rule(
    `    sel:\n        EventID: 4625\n    condition: sel`,
    'product: windows\n    service: security',
    'name: failed_logon_routed\n',
  );
  const corr = `title: Many failed logons\nid: 11111111-2222-4333-8444-666666666666\ncorrelation:\n    type: event_count\n    rules:\n        - failed_logon_routed\n    group-by:\n        - TargetUserName\n    timespan: 5m\n    condition:\n        gte: 2\nlevel: high\n`;
  const rs = await loadRules([base, corr]);
  const hits: string[] = [];
  const engine = new Engine(rs, { onCorrelationHit: (h) => hits.push(h.values.TargetUserName ?? '') });
  const out: string[] = [];
  for (let i = 0; i < 3; i++)
    engine.match(record('Security', 4625, { TargetUserName: 'bob' }), (d) => out.push(d.rule.id));
  engine.flush((d) => out.push(d.rule.id));
  assert.deepEqual(hits, ['bob', 'bob', 'bob']);
  assert.deepEqual(out, [], 'nothing correlated locally, and the base rule stays silent');
});

test('neq: different from every listed value, numbers by value, with fieldref', async () => {
  const r = proc({ Image: 'C:\\a.exe', ParentImage: 'C:\\b.exe', Pid: '0x10' });
  assert.ok(await fires(`    sel:\n        Image|neq: ['C:\\x.exe', 'C:\\y.exe']\n    condition: sel`, r));
  assert.ok(!(await fires(`    sel:\n        Image|neq: ['C:\\x.exe', 'c:\\A.exe']\n    condition: sel`, r)));
  assert.ok(!(await fires(`    sel:\n        Pid|neq: 16\n    condition: sel`, r)));
  assert.ok(await fires(`    sel:\n        Pid|neq: 17\n    condition: sel`, r));
  assert.ok(await fires(`    sel:\n        Image|fieldref|neq: ParentImage\n    condition: sel`, r));
  assert.ok(!(await fires(`    sel:\n        Image|fieldref|neq: Image\n    condition: sel`, r)));
  assert.ok(
    !(await fires(`    sel:\n        Missing|neq: 'x'\n    condition: sel`, r)),
    'an absent field is not "different"',
  );
});

test('a record whose field cannot be read makes the rule not match, reported once with file and record', async () => {
  const rs = await loadRules([rule(`    sel:\n        CommandLine|contains: 'x'\n    condition: sel`)]);
  const errors: string[] = [];
  const engine = new Engine(rs, { onError: (e) => errors.push(`${e.file}#${e.recordId}: ${e.reason}`) });
  const good = proc({ CommandLine: 'x' });
  const bad = Object.create(good) as typeof good;
  Object.defineProperty(bad, 'fields', {
    value: () => {
      throw new Error('corrupt');
    },
  });
  Object.defineProperty(bad, 'get', {
    value: () => {
      throw new Error('corrupt');
    },
  });
  const out: string[] = [];
  engine.match(bad, (d) => out.push(d.rule.id));
  engine.match(good, (d) => out.push(d.rule.id));
  assert.equal(out.length, 1, 'the good record still matches');
  assert.equal(engine.errorCount(), 0, 'an unreadable field is treated as absent, not as an error');
});

test('a rule that throws counts as no match and is reported once, naming rule, file and record', async () => {
  const rs = await loadRules([rule(`    sel:\n        CommandLine|contains: 'x'\n    condition: sel`)]);
  const broken = {
    ...rs,
    rules: rs.rules.map((r) => ({
      ...r,
      match: () => {
        throw new Error('boom');
      },
    })),
  };
  const errors: string[] = [];
  const engine = new Engine(broken, {
    onError: (e) => errors.push(`${e.file}#${e.recordId} ${e.ruleId}: ${e.reason}`),
  });
  const out: string[] = [];
  engine.match(proc({ CommandLine: 'x' }), (d) => out.push(d.rule.id));
  engine.match(proc({ CommandLine: 'xx' }), (d) => out.push(d.rule.id));
  assert.deepEqual(out, []);
  assert.equal(engine.errorCount(), 2);
  assert.equal(errors.length, 1);
  assert.match(errors[0]!, /^test\.evtx#7 .*: rule 'Test rule \d+' failed on this record: boom$/);
});
