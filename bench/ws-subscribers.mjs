// Many WebSocket subscribers of the event stream, held in their own process so that the clients share neither
// the server's event loop nor the bench's. Forked by bench/events-bench.mjs and driven over IPC:
//
//   parent → { cmd: 'connect', url, clusterId, count, query?, concurrency?, resume? }
//            connects `count` clients to `url` (ws://…/v4/scheduler/mesos/events?query), waits for every hello;
//            with `resume`, a client the server closes reconnects at once with `since=<last seq it received>`,
//            as the protocol asks of a client (at most MAX_RESUMES times each);
//            answers { type: 'ready', connected, hellos, failed, ms, helloSeqs: [min, max] }
//   parent → { cmd: 'wait', seq, timeoutMs, lastByQuery? }
//            answers { type: 'reached', ok, behind } once every client has received event `seq` (or timed out);
//            a filtered client (one connected with a `query`) waits for `lastByQuery[query]` instead when given
//   parent → { cmd: 'report', seq, expectByQuery? }   answers { type: 'report', … } (see report())
//   parent → { cmd: 'close' }    closes every client and exits
//
// Each client checks that it receives every event after its hello's `seq` exactly once, in order (a gap or a
// duplicate is counted), and records the delivery latency: Date.now() in this process when the message arrives,
// minus the event's `time` (epoch ms of the server's commit), in a histogram of 1 ms buckets. To keep this
// process from being the bottleneck, `events` messages are not JSON-parsed: each event's `"seq":N,"time":T` is
// read from the bytes (the log writes `seq` and `time` last and together); every 100th client also parses every
// message with JSON.parse and compares, and a message the scan cannot read is parsed instead.
// Across resumes the check is the same: the first event after a resume must follow the last one received.
// A filtered client (connected with a `query`, e.g. `namespace=ns-3`) receives only some sequence numbers: it
// checks that they only grow (a repeat is a duplicate) and sums them; the report compares its count, sum and
// last event with what the parent read from the log for that filter (`expectByQuery`). Its deliveries also go
// to a histogram of their own, as do the unfiltered clients'.
import WebSocket from 'ws';

/** Latency histogram: 1 ms buckets up to this; later deliveries land in the last bucket. */
const HISTOGRAM_MS = 600_000;
/** Clients whose messages are also JSON.parse'd to check the byte scan (one in this many). */
const VERIFY_EVERY = 100;
const CONNECT_TIMEOUT_MS = 60_000;
/** Reconnections per client at most, with `resume`. */
const MAX_RESUMES = 100;

const EVENTS_PREFIX = Buffer.from('{"type":"events","events":[');
const SEQ_KEY = Buffer.from('"seq":');
const TIME_KEY = Buffer.from(',"time":');

const histogram = new Uint32Array(HISTOGRAM_MS + 1);
/** The same latencies split by client kind (connected with or without a `query`). */
const histogramOf = {
  unfiltered: new Uint32Array(HISTOGRAM_MS + 1),
  filtered: new Uint32Array(HISTOGRAM_MS + 1),
};
const totals = {
  deliveries: 0,
  messages: 0,
  bytes: 0,
  firstReceive: 0,
  lastReceive: 0,
  /** Deliveries whose receive time was before the event's time (clock skew would show here). */
  negativeLatency: 0,
  /** Messages of the verified clients that were also JSON.parse'd. */
  verifiedMessages: 0,
  /** Verified messages whose scan disagreed with JSON.parse. */
  verifyMismatches: 0,
  /** Messages the scan could not read, parsed instead. */
  fallbackParses: 0,
  resyncs: 0,
  unexpectedMessages: 0,
  /** Closes by the server seen by clients, by close code (with `resume` each is followed by a reconnection). */
  closesByCode: {},
  resumes: 0,
  /** 4008 closes whose reason's `lastSeq` differed from the last event the client received. */
  reasonMismatches: 0,
  /** The largest `events` message received, in bytes and in events. */
  maxMessageBytes: 0,
  maxMessageEvents: 0,
};

/** One subscriber's state. */
class Subscriber {
  constructor(id, query = '') {
    this.id = id;
    /** The subscription's query ('' for none): a filtered client's sequence numbers have gaps by design. */
    this.query = query;
    this.filtered = query !== '';
    this.histogram = this.filtered ? histogramOf.filtered : histogramOf.unfiltered;
    /** The sum of the sequence numbers received (the filtered check). */
    this.seqSum = 0;
    this.verify = id % VERIFY_EVERY === 0;
    this.helloSeq = undefined;
    this.lastSeq = undefined;
    this.received = 0;
    this.gaps = 0;
    this.duplicates = 0;
    this.firstProblem = undefined;
    /** Set once the client has closed for good (without `resume`, or past MAX_RESUMES). */
    this.closeCode = undefined;
    this.closeReason = undefined;
    this.errors = 0;
    this.resumes = 0;
    /** The socket now. */
    this.ws = undefined;
  }

  record(seq, time, now) {
    const expected = this.lastSeq + 1;
    if (this.filtered ? seq <= this.lastSeq : seq !== expected) {
      if (seq <= this.lastSeq) this.duplicates++;
      else this.gaps++;
      this.firstProblem ??= { expected, got: seq };
    }
    if (seq > this.lastSeq) this.lastSeq = seq;
    this.received++;
    this.seqSum += seq;
    totals.deliveries++;
    const latency = now - time;
    if (latency < 0) {
      totals.negativeLatency++;
      histogram[0]++;
      this.histogram[0]++;
    } else {
      histogram[Math.min(latency, HISTOGRAM_MS)]++;
      this.histogram[Math.min(latency, HISTOGRAM_MS)]++;
    }
  }
}

/** The `"seq":N,"time":T` pairs of an `events` message, read from its bytes; undefined if it cannot. */
function scanEvents(data) {
  const pairs = [];
  let pos = EVENTS_PREFIX.length;
  for (;;) {
    pos = data.indexOf(SEQ_KEY, pos);
    if (pos < 0) return pairs;
    pos += SEQ_KEY.length;
    let seq = 0;
    let digits = 0;
    for (let c = data[pos]; c >= 48 && c <= 57; c = data[++pos]) {
      seq = seq * 10 + c - 48;
      digits++;
    }
    if (digits === 0 || data.compare(TIME_KEY, 0, TIME_KEY.length, pos, pos + TIME_KEY.length) !== 0) {
      return undefined;
    }
    pos += TIME_KEY.length;
    let time = 0;
    digits = 0;
    for (let c = data[pos]; c >= 48 && c <= 57; c = data[++pos]) {
      time = time * 10 + c - 48;
      digits++;
    }
    if (digits === 0) return undefined;
    pairs.push(seq, time);
  }
}

function onMessage(subscriber, data) {
  const now = Date.now();
  totals.messages++;
  totals.bytes += data.length;
  totals.firstReceive ||= now;
  totals.lastReceive = now;
  const isEvents = data.compare(EVENTS_PREFIX, 0, EVENTS_PREFIX.length, 0, EVENTS_PREFIX.length) === 0;
  if (isEvents) {
    let pairs = scanEvents(data);
    if (subscriber.verify || pairs === undefined) {
      const parsed = JSON.parse(data.toString('utf8')).events.flatMap((e) => [e.seq, e.time]);
      if (pairs === undefined) totals.fallbackParses++;
      else {
        totals.verifiedMessages++;
        if (pairs.length !== parsed.length || pairs.some((v, i) => v !== parsed[i]))
          totals.verifyMismatches++;
      }
      pairs = parsed;
    }
    for (let i = 0; i < pairs.length; i += 2) subscriber.record(pairs[i], pairs[i + 1], now);
    if (data.length > totals.maxMessageBytes) totals.maxMessageBytes = data.length;
    if (pairs.length / 2 > totals.maxMessageEvents) totals.maxMessageEvents = pairs.length / 2;
    return;
  }
  const message = JSON.parse(data.toString('utf8'));
  if (message.type === 'hello') {
    // A resumed subscription's hello does not move the position: its events follow `since`.
    if (subscriber.helloSeq === undefined) {
      subscriber.helloSeq = message.seq;
      subscriber.lastSeq = message.seq;
    }
    subscriber.onHello?.();
  } else if (message.type === 'resync') totals.resyncs++;
  else totals.unexpectedMessages++;
}

/** @type {Subscriber[]} */
const subscribers = [];
let closing = false;

/** The `lastSeq` of a 4008 close reason (`{"lastSeq":N}`). */
function reasonSeq(text) {
  try {
    return JSON.parse(text).lastSeq;
  } catch {
    return undefined;
  }
}

/** Opens `subscriber`'s socket (again, with `since`, when it resumes); `onHello` fires on its hello. */
function open(subscriber, target, clusterId, resume) {
  const url =
    subscriber.lastSeq === undefined
      ? target
      : `${target}${target.includes('?') ? '&' : '?'}since=${subscriber.lastSeq}`;
  const ws = new WebSocket(url, {
    headers: { 'BCS-ClusterID': clusterId },
    perMessageDeflate: false,
    skipUTF8Validation: true,
  });
  subscriber.ws = ws;
  ws.on('message', (data) => onMessage(subscriber, data));
  ws.on('error', () => {
    subscriber.errors++;
  });
  ws.on('close', (code, reason) => {
    if (closing) return;
    const text = reason.toString();
    totals.closesByCode[code] = (totals.closesByCode[code] ?? 0) + 1;
    if (code === 4008 && reasonSeq(text) !== subscriber.lastSeq) totals.reasonMismatches++;
    if (resume && subscriber.helloSeq !== undefined && subscriber.resumes < MAX_RESUMES) {
      subscriber.resumes++;
      totals.resumes++;
      open(subscriber, target, clusterId, resume);
      return;
    }
    subscriber.closeCode = code;
    subscriber.closeReason = text;
    subscriber.onClose?.();
  });
}

function connectOne(id, target, clusterId, resume, query) {
  const subscriber = new Subscriber(id, query);
  subscribers.push(subscriber);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), CONNECT_TIMEOUT_MS);
    subscriber.onHello = () => {
      subscriber.onHello = undefined;
      clearTimeout(timer);
      resolve(true);
    };
    subscriber.onClose = () => {
      clearTimeout(timer);
      resolve(subscriber.helloSeq !== undefined);
    };
    open(subscriber, target, clusterId, resume);
  });
}

async function connect({ url, clusterId, count, query = '', concurrency = 50, resume = false }) {
  const started = Date.now();
  const target = query === '' ? url : `${url}?${query}`;
  let next = 0;
  let connected = 0;
  // Ids go on from the clients of earlier `connect`s (one in VERIFY_EVERY of all is verified).
  const firstId = subscribers.length;
  const worker = async () => {
    while (next < count) {
      const id = firstId + next++;
      if (await connectOne(id, target, clusterId, resume, query)) connected++;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seqs = subscribers
    .slice(firstId)
    .filter((s) => s.helloSeq !== undefined)
    .map((s) => s.helloSeq);
  return {
    type: 'ready',
    connected,
    failed: count - connected,
    ms: Date.now() - started,
    helloSeqs: [Math.min(...seqs), Math.max(...seqs)],
  };
}

async function waitFor({ seq, timeoutMs, lastByQuery = {} }) {
  const deadline = Date.now() + timeoutMs;
  const target = (s) => (s.filtered ? (lastByQuery[s.query] ?? seq) : seq);
  for (;;) {
    const behind = subscribers.filter((s) => s.closeCode === undefined && !(s.lastSeq >= target(s))).length;
    if (behind === 0) return { type: 'reached', ok: true, behind };
    if (Date.now() > deadline) return { type: 'reached', ok: false, behind };
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * Totals, per-subscriber checks against `seq` (the last event expected), and the latency histogram. A filtered
 * client is checked against `expectByQuery[query]`: `{ after, count, seqSum, last }`, the events of the log
 * after `after` (its hello's `seq`) that match its filter, their count, the sum of their sequence numbers
 * and the last one (`after` when none).
 */
function report({ seq, expectByQuery = {} }) {
  const problems = [];
  let complete = 0;
  for (const s of subscribers) {
    const want = s.filtered ? expectByQuery[s.query] : undefined;
    const expected = s.filtered ? want?.count : seq - s.helloSeq;
    const ok =
      s.helloSeq !== undefined &&
      s.gaps === 0 &&
      s.duplicates === 0 &&
      (s.filtered
        ? want !== undefined &&
          s.helloSeq === want.after &&
          s.seqSum === want.seqSum &&
          s.lastSeq === want.last
        : s.lastSeq === seq) &&
      s.received === expected &&
      s.closeCode === undefined;
    if (ok) complete++;
    else if (problems.length < 20) {
      problems.push({
        id: s.id,
        query: s.query,
        helloSeq: s.helloSeq,
        lastSeq: s.lastSeq,
        received: s.received,
        expected,
        gaps: s.gaps,
        duplicates: s.duplicates,
        firstProblem: s.firstProblem,
        closeCode: s.closeCode,
        closeReason: s.closeReason,
      });
    }
  }
  const bucketsOf = (h) => {
    const buckets = [];
    for (let ms = 0; ms <= HISTOGRAM_MS; ms++) if (h[ms] > 0) buckets.push([ms, h[ms]]);
    return buckets;
  };
  return {
    type: 'report',
    subscribers: subscribers.length,
    complete,
    incomplete: subscribers.length - complete,
    gaps: subscribers.reduce((n, s) => n + s.gaps, 0),
    duplicates: subscribers.reduce((n, s) => n + s.duplicates, 0),
    closedEarly: subscribers.filter((s) => s.closeCode !== undefined).length,
    resumedSubscribers: subscribers.filter((s) => s.resumes > 0).length,
    maxResumes: Math.max(0, ...subscribers.map((s) => s.resumes)),
    closeCodes: [...new Set(subscribers.map((s) => s.closeCode).filter((c) => c !== undefined))],
    problems,
    ...totals,
    histogram: bucketsOf(histogram),
    histogramUnfiltered: bucketsOf(histogramOf.unfiltered),
    histogramFiltered: bucketsOf(histogramOf.filtered),
  };
}

process.on('message', async (message) => {
  switch (message.cmd) {
    case 'connect':
      process.send(await connect(message));
      break;
    case 'wait':
      process.send(await waitFor(message));
      break;
    case 'report':
      process.send(report(message));
      break;
    case 'close':
      closing = true;
      for (const subscriber of subscribers) subscriber.ws?.terminate();
      process.exit(0);
  }
});
process.on('disconnect', () => process.exit(0));
