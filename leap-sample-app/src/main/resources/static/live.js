/*
 * The live page of the Leap sample: a small Leap Edge client in plain JavaScript (no framework, no build step),
 * following the protocol spec in docs/spec/leap-edge-protocol.md, plus the glue that shows what it receives and
 * what the application's Actuator reports.
 */
(function () {
  'use strict';

  // ------------------------------------------------------------------------------------------ the Leap Edge client

  const HELLO_TIMEOUT_MS = 10000;     // spec §15 step 2: no Hello within 10 s fails the attempt
  const MAX_ACK_WAIT_MS = 10000;      // spec §15 step 5: min(heartbeat_interval, 10 s)
  const BACKOFF_INITIAL_MS = 1000;    // spec §15 step 8: 1 s, 2 s, 4 s ... up to 30 s, ±20 % jitter
  const BACKOFF_MAX_MS = 30000;
  const BACKOFF_JITTER = 0.2;
  const REDIRECT_MAX_FAILURES = 3;    // spec §16 D-15

  /**
   * Adds encoding=json and compression=none (spec §2.2): the browser gets plain JSON text frames. Opening the page
   * with ?compression=zlib asks for zlib-compressed binary frames instead, to watch the other path.
   */
  function socketUrl(base) {
    const url = new URL(base);
    const zlib = new URLSearchParams(window.location.search).get('compression') === 'zlib';
    url.searchParams.set('encoding', 'json');
    url.searchParams.set('compression', zlib ? 'zlib' : 'none');
    return url.toString();
  }

  /** A binary frame is one self-contained zlib stream (spec §3.3); 'deflate' is RFC 1950 zlib here. */
  async function inflate(buffer) {
    const stream = new Blob([buffer]).stream().pipeThrough(new DecompressionStream('deflate'));
    return new Response(stream).text();
  }

  /**
   * One logical Leap connection that reconnects on its own.
   *
   * options.loadConnection: async () => ({url, projectId, token}); called before every attempt, so a restarted
   *   application (new socket URL, new token) is picked up.
   * options.channels: the channels to SUBSCRIBE after every INIT.
   * options.listener: {state(state, detail), dispatch(d), heartbeat(info), closed(info), log(kind, text)}.
   */
  class LeapEdgeClient {

    constructor(options) {
      this.options = options;
      this.listener = options.listener;
      this.ws = null;
      this.state = 'idle';
      this.attempt = 0;
      this.redirectUrl = null;
      this.redirectFailures = 0;
      this.stopped = false;
      this.timers = {};
      this.cid = null;
    }

    start() {
      this.stopped = false;
      this.connect();
    }

    stop() {
      this.stopped = true;
      this.clearTimers();
      clearTimeout(this.timers.reconnect);
      if (this.ws) {
        this.ws.close(1000, 'Page closed');
      }
      this.setState('stopped', 'stopped by the page');
    }

    async connect() {
      this.clearTimers();
      this.setState('connecting');
      let info;
      try {
        info = await this.options.loadConnection();
      }
      catch (error) {
        this.log('info', 'Could not get the connection details: ' + error.message);
        this.scheduleReconnect();
        return;
      }
      if (this.stopped) {
        return;
      }
      if (this.refusedToken !== undefined && info.token === this.refusedToken) {
        // spec §11: a token refused with 4001 is never used again.
        this.stopped = true;
        this.setState('stopped', 'the server refused the token (4001); not reconnecting');
        return;
      }
      this.info = info;
      const url = this.redirectUrl || socketUrl(info.url);
      let ws;
      try {
        ws = new WebSocket(url);
      }
      catch (error) {
        this.log('info', 'Bad socket URL ' + url + ': ' + error.message);
        this.scheduleReconnect();
        return;
      }
      ws.binaryType = 'arraybuffer';
      this.ws = ws;
      this.identified = false;
      this.inbox = Promise.resolve();
      this.log('info', 'Opening ' + url);
      ws.onopen = () => {
        if (ws !== this.ws) {
          return;
        }
        this.timers.hello = setTimeout(() => this.drop('no Hello within 10 s'), HELLO_TIMEOUT_MS);
      };
      ws.onmessage = (event) => {
        // Payloads are handled strictly in order, also when a binary one has to be inflated first.
        this.inbox = this.inbox
          .then(() => (typeof event.data === 'string') ? event.data : inflate(event.data))
          .then((text) => this.onPayload(ws, text))
          .catch((error) => this.log('info', 'Could not read a payload: ' + error.message));
      };
      ws.onerror = () => {
        // A close event always follows; it decides what happens next.
      };
      ws.onclose = (event) => this.onClose(ws, event);
    }

    send(payload) {
      if (this.ws && this.ws.readyState === WebSocket.OPEN) {
        const text = JSON.stringify(payload);
        this.ws.send(text);
        this.log('out', payload.op === 2 ? '{"op":2,"d":{"project_id":"' + payload.d.project_id + '","token":"…"}}' : text);
      }
    }

    onPayload(ws, text) {
      if (ws !== this.ws) {
        return;
      }
      let payload;
      try {
        payload = JSON.parse(text);
      }
      catch (error) {
        this.log('info', 'Ignored a payload that is not JSON');
        return;
      }
      if (payload === null || typeof payload.op !== 'number') {
        this.log('info', 'Ignored a payload without op');   // spec §4
        return;
      }
      switch (payload.op) {
        case 1: this.onHello(payload.d || {}); break;
        case 3: this.onServerHeartbeat(payload.d); break;
        case 4: this.onHeartbeatAck(payload.d); break;
        case 0: this.onDispatch(payload.d || {}, text); break;
        default: this.log('info', 'Ignored unknown op ' + payload.op);  // spec §16 D-12
      }
    }

    onHello(d) {
      clearTimeout(this.timers.hello);
      this.log('in', 'Hello, heartbeat_interval ' + d.heartbeat_interval + ' ms');
      const interval = Number(d.heartbeat_interval);
      this.heartbeatInterval = (interval > 0) ? interval : 30000;
      this.setState('identifying');
      // spec §5.2: Identify at once; the token is a Leap token made for this page, never the project token.
      this.send({ op: 2, d: { project_id: this.info.projectId, token: this.info.token } });
      clearInterval(this.timers.heartbeat);
      this.timers.heartbeat = setInterval(() => this.heartbeat(), this.heartbeatInterval);
    }

    heartbeat() {
      this.send({ op: 3 });
      this.heartbeatSentAt = performance.now();
      if (!this.timers.ack) {
        const wait = Math.min(this.heartbeatInterval, MAX_ACK_WAIT_MS);
        this.timers.ack = setTimeout(() => this.drop('no heartbeat ack within ' + wait + ' ms'), wait);
      }
    }

    onServerHeartbeat(d) {
      // spec §5.3: a server heartbeat with a tag is answered at once with the same tag.
      if (d && typeof d.tag === 'string' && d.tag !== '') {
        this.log('in', 'Tagged heartbeat ' + d.tag);
        this.send({ op: 3, d: { tag: d.tag } });
      }
      else {
        this.log('in', 'Heartbeat without a tag: nothing to answer');
      }
    }

    onHeartbeatAck(d) {
      clearTimeout(this.timers.ack);
      this.timers.ack = null;
      const rtt = (this.heartbeatSentAt !== undefined) ? Math.round(performance.now() - this.heartbeatSentAt) : null;
      const tagged = d && typeof d.tag === 'string';
      this.log('in', tagged ? 'Heartbeat ack for tag ' + d.tag + ', server-measured latency ' + d.latency + ' ms'
        : 'Heartbeat ack');
      this.listener.heartbeat({ rtt: rtt, tag: tagged ? d.tag : null, latency: tagged ? d.latency : null, at: new Date() });
    }

    onDispatch(d, text) {
      this.log('in', text.length > 300 ? text.substring(0, 300) + '…' : text);
      if (d.e === 'INIT') {
        // spec §6.3: connected once INIT arrives; the backoff starts over (spec §15 step 8).
        const reconnect = this.cid !== null;
        this.cid = d.d.cid;
        this.attempt = 0;
        this.redirectFailures = 0;
        this.identified = true;
        this.setState('connected', { cid: this.cid, reconnect: reconnect, scope: d.d.scope, channels: d.d.channels });
        // With a token INIT already lists the token's channels (spec §6.4); SUBSCRIBE is answered either way.
        for (const channel of this.options.channels) {
          this.send({ op: 0, d: { c: channel, e: 'SUBSCRIBE', d: null } });
        }
      }
      this.listener.dispatch(d);
    }

    /** Gives up on this socket (missing Hello or ack) and reconnects (spec §15 step 5). */
    drop(reason) {
      this.log('info', 'Closing: ' + reason);
      if (this.ws) {
        this.ws.close(1000, reason.substring(0, 100));
      }
    }

    onClose(ws, event) {
      if (ws !== this.ws) {
        return;
      }
      this.clearTimers();
      this.ws = null;
      const code = event.code;
      const reason = event.reason || '';
      this.log('info', 'Closed with ' + code + (reason ? ' (' + reason + ')' : ''));
      this.listener.closed({ code: code, reason: reason, at: new Date(), cid: this.identified ? this.cid : null });
      if (this.stopped) {
        return;
      }
      // spec §11: never reconnect after 4001; after 4006 reconnect at once to the reason URL; else back off.
      if (code === 4001) {
        // The refused token is not retried; the application may hand out a new one (it does after a restart), so
        // the connection details are asked for once more and the client stops if they still carry the same token.
        this.refusedToken = this.info.token;
      }
      if (this.redirectUrl && !this.identified && ++this.redirectFailures >= REDIRECT_MAX_FAILURES) {
        this.log('info', 'The redirect URL failed ' + REDIRECT_MAX_FAILURES + ' times: back to the configured URL');
        this.redirectUrl = null;
        this.redirectFailures = 0;
      }
      if (code === 4006 && /^wss?:\/\//.test(reason)) {
        this.redirectUrl = reason;
        this.redirectFailures = 0;
        this.setState('reconnecting', { delay: 0 });
        this.timers.reconnect = setTimeout(() => this.connect(), 0);
        return;
      }
      this.scheduleReconnect();
    }

    scheduleReconnect() {
      const base = Math.min(BACKOFF_MAX_MS, BACKOFF_INITIAL_MS * Math.pow(2, this.attempt));
      const delay = Math.round(base * (1 + (Math.random() * 2 - 1) * BACKOFF_JITTER));
      this.attempt++;
      this.setState('reconnecting', { delay: delay });
      this.log('info', 'Reconnecting in ' + delay + ' ms');
      clearTimeout(this.timers.reconnect);
      this.timers.reconnect = setTimeout(() => this.connect(), delay);
    }

    clearTimers() {
      clearTimeout(this.timers.hello);
      clearTimeout(this.timers.ack);
      clearInterval(this.timers.heartbeat);
      this.timers.hello = this.timers.ack = this.timers.heartbeat = null;
    }

    setState(state, detail) {
      this.state = state;
      this.listener.state(state, detail);
    }

    log(kind, text) {
      this.listener.log(kind, text);
    }

  }

  // ------------------------------------------------------------------------------------------ the page

  const $ = (id) => document.getElementById(id);
  const MAX_ORDERS = 50;
  const MAX_LOG = 80;
  const ACTUATOR_REFRESH_MS = 2000;
  const METERS = [
    ['leap.connection.up', 'Connected (1 = yes)'],
    ['leap.messages.received', 'Messages received'],
    ['leap.dispatches.received', 'Dispatches received'],
    ['leap.listener.processed', 'Orders handled by @LeapListener'],
    ['leap.api.requests', 'LeapTemplate REST calls'],
    ['leap.reconnects', 'Reconnects'],
    ['leap.heartbeat.rtt', 'Heartbeat round trip (mean)', 'mean'],
  ];

  let connection = null;
  let reconnects = 0;
  let ordersShown = 0;

  function text(id, value) {
    $(id).textContent = value;
  }

  function log(kind, message) {
    const item = document.createElement('li');
    item.className = kind;
    item.textContent = new Date().toLocaleTimeString() + ' ' + (kind === 'in' ? '← ' : kind === 'out' ? '→ ' : '· ')
      + message;
    const list = $('log');
    list.insertBefore(item, list.firstChild);
    while (list.children.length > MAX_LOG) {
      list.removeChild(list.lastChild);
    }
  }

  async function fetchJson(path, init) {
    const response = await fetch(path, Object.assign({ cache: 'no-store' }, init || {}));
    if (!response.ok) {
      let message = response.status + ' ' + response.statusText;
      try {
        const body = await response.json();
        if (body && body.message) {
          message = response.status + ' ' + body.message;
        }
      }
      catch (ignored) {
        // no JSON body
      }
      throw new Error(message);
    }
    return response.status === 204 ? null : response.json();
  }

  function showOrder(order) {
    const row = document.createElement('tr');
    row.className = 'fresh';
    row.dataset.orderId = String(order.id);
    const amount = (typeof order.amount === 'number') ? order.amount.toFixed(2) : order.amount;
    for (const [value, numeric] of [[order.id, true], [order.product, false], [amount, true],
      [new Date().toLocaleTimeString(), false]]) {
      const cell = document.createElement('td');
      cell.textContent = String(value);
      if (numeric) {
        cell.className = 'num';
      }
      row.appendChild(cell);
    }
    const body = $('orders').tBodies[0];
    body.insertBefore(row, body.firstChild);
    while (body.rows.length > MAX_ORDERS) {
      body.deleteRow(body.rows.length - 1);
    }
    ordersShown++;
    text('orders-count', '(' + ordersShown + ')');
  }

  const listener = {
    state(state, detail) {
      const badge = $('state');
      badge.dataset.state = state;
      if (state === 'reconnecting') {
        badge.textContent = 'reconnecting in ' + (detail.delay / 1000).toFixed(1) + ' s';
      }
      else if (state === 'stopped' && typeof detail === 'string') {
        badge.textContent = 'stopped: ' + detail;
      }
      else {
        badge.textContent = state;
      }
      $('close').disabled = !(state === 'connected' && connection && connection.closeSupported);
      if (state === 'connected') {
        text('cid', detail.cid);
        if (detail.reconnect) {
          reconnects++;
          text('reconnects', String(reconnects));
        }
      }
    },
    dispatch(d) {
      if (!connection || d.c !== connection.channel) {
        return;
      }
      switch (d.e) {
        case 'AVAILABLE':
          text('channel-state', 'available' + (d.d.channel && d.d.channel.type ? ' (' + d.d.channel.type + ')' : ''));
          break;
        case 'UNAVAILABLE':
          text('channel-state', 'unavailable: ' + (d.d.error_code || 'unsubscribed'));
          break;
        case 'STATE_UPDATE':
          text('channel-state', 'state ' + JSON.stringify(d.d.state));
          break;
        case 'MESSAGE':
          if (d.d.e === connection.event && d.d.d && typeof d.d.d === 'object') {
            showOrder(d.d.d);
          }
          break;
        default:
          break;
      }
    },
    heartbeat(info) {
      if (info.tag) {
        text('tagged-heartbeat', 'answered ' + info.tag + ' at ' + info.at.toLocaleTimeString()
          + ', server-measured latency ' + info.latency + ' ms');
      }
      else {
        text('heartbeat', 'last ack ' + info.at.toLocaleTimeString()
          + (info.rtt !== null ? ', round trip ' + info.rtt + ' ms' : ''));
      }
    },
    closed(info) {
      const lastClose = $('last-close');
      lastClose.dataset.code = String(info.code);
      lastClose.textContent = info.code + (info.reason ? ' “' + info.reason + '”' : '') + ' at '
        + info.at.toLocaleTimeString();
    },
    log: log,
  };

  const client = new LeapEdgeClient({
    loadConnection: async () => {
      connection = await fetchJson('/live/connection');
      text('channel', connection.channel);
      client.options.channels = [connection.channel];
      return connection;
    },
    channels: [],
    listener: listener,
  });

  $('publish').addEventListener('click', async () => {
    try {
      const order = await fetchJson('/live/orders', { method: 'POST' });
      text('action-result', 'The application published order #' + order.id + ' (' + order.product + ') with LeapTemplate.');
    }
    catch (error) {
      text('action-result', 'Could not publish: ' + error.message);
    }
  });

  $('close').addEventListener('click', async () => {
    const cid = client.cid;
    try {
      await fetchJson('/live/connections/' + encodeURIComponent(cid) + '/close', { method: 'POST' });
      text('action-result', 'The server closed connection ' + cid + ' with 4000; watch the page reconnect.');
    }
    catch (error) {
      text('action-result', 'Could not close the connection: ' + error.message);
    }
  });

  // ------------------------------------------------------------------------------------------ Actuator

  function measurement(meter, statistic) {
    const byStatistic = {};
    for (const m of meter.measurements || []) {
      byStatistic[m.statistic] = m.value;
    }
    if (statistic === 'mean' && byStatistic.TOTAL_TIME !== undefined && byStatistic.COUNT !== undefined) {
      const unit = meter.baseUnit || 'seconds';
      const mean = byStatistic.COUNT > 0 ? byStatistic.TOTAL_TIME / byStatistic.COUNT : 0;
      return unit === 'seconds' ? (mean * 1000).toFixed(1) + ' ms' : mean.toFixed(1) + ' ' + unit;
    }
    const value = (byStatistic.COUNT !== undefined) ? byStatistic.COUNT : byStatistic.VALUE;
    return (value === undefined) ? '–' : String(Math.round(value * 100) / 100);
  }

  async function refreshHealth() {
    const badge = $('health');
    try {
      // 503 (DOWN) still carries the JSON body, so the status is read either way.
      const response = await fetch('/actuator/health/leap', { cache: 'no-store' });
      const health = await response.json();
      badge.dataset.status = health.status;
      badge.textContent = health.status;
      const details = health.details || {};
      text('health-state', details.state ? 'client ' + details.state : '');
    }
    catch (error) {
      badge.dataset.status = 'unreachable';
      badge.textContent = 'unreachable';
      text('health-state', '');
    }
  }

  async function refreshMeters() {
    const body = $('metrics').tBodies[0];
    try {
      // Only meters that exist are read, so no request gets a 404.
      const names = new Set((await fetchJson('/actuator/metrics')).names);
      const rows = await Promise.all(METERS.filter(([name]) => names.has(name)).map(async ([name, label, statistic]) => {
        const meter = await fetchJson('/actuator/metrics/' + name);
        return [name, label, measurement(meter, statistic)];
      }));
      body.replaceChildren(...rows.map(([name, label, value]) => {
        const row = document.createElement('tr');
        row.dataset.meter = name;
        const labelCell = document.createElement('td');
        labelCell.textContent = label + ' ';
        const code = document.createElement('code');
        code.className = 'muted';
        code.textContent = name;
        labelCell.appendChild(code);
        const valueCell = document.createElement('td');
        valueCell.className = 'num';
        valueCell.textContent = value;
        row.append(labelCell, valueCell);
        return row;
      }));
    }
    catch (error) {
      body.replaceChildren();
    }
  }

  async function refreshActuator() {
    await Promise.all([refreshHealth(), refreshMeters()]);
    setTimeout(refreshActuator, ACTUATOR_REFRESH_MS);
  }

  window.leapLive = { client: client };
  client.start();
  refreshActuator();
})();
