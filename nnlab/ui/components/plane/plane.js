// The playground's plane, painted in a <canvas>: the network's output as colours, the points on top.
// Python sends `data` (see nnlab/ui/components/plane/__init__.py); a click or a tap sends back where it
// landed, in plane coordinates, as the trigger value "click": {x1, x2, n}. The point is drawn at once
// (a pale ring) until the next picture from Python shows it for real. A message may bring earlier
// pictures too (data.frames): they are shown first, data.spacing ms apart, the newest (data.z) last; a
// new message stops what is left of the last one's.
const MARGIN = { left: 34, top: 8, right: 8, bottom: 30 };

function decode(base64) {
  const text = atob(base64);
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return bytes;
}

function hexRgb(hex) {
  return [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
}

function paint(state) {
  const { canvas, data } = state;
  const css = canvas.getBoundingClientRect();
  const side = Math.max(120, Math.round(css.width || 440));
  const ratio = window.devicePixelRatio || 1;
  if (canvas.width !== Math.round(side * ratio)) {
    canvas.width = Math.round(side * ratio);
    canvas.height = Math.round(side * ratio);
  }
  const ctx = canvas.getContext("2d");
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  ctx.fillStyle = "white";
  ctx.fillRect(0, 0, side, side);
  const plot = side - MARGIN.left - MARGIN.right;
  state.plot = plot;
  state.side = side;
  const n = data.size;
  const shown = state.frame || { z: data.z, epoch: data.epoch };
  if (shown.z) {
    const z = state.decoded && state.decoded[0] === shown.z ? state.decoded[1] : decode(shown.z);
    state.decoded = [shown.z, z];
    const palette = data.palette.map(hexRgb);
    const image = new ImageData(n, n);
    for (let row = 0; row < n; row++) {
      const source = (n - 1 - row) * n; // row 0 of the grid is x2 = -extent: the bottom of the picture
      for (let col = 0; col < n; col++) {
        const rgb = palette[z[source + col]];
        const at = 4 * (row * n + col);
        image.data[at] = rgb[0]; image.data[at + 1] = rgb[1]; image.data[at + 2] = rgb[2]; image.data[at + 3] = 255;
      }
    }
    const tile = state.tile || (state.tile = document.createElement("canvas"));
    tile.width = n; tile.height = n;
    tile.getContext("2d").putImageData(image, 0, 0);
    ctx.imageSmoothingEnabled = !data.discrete;
    ctx.drawImage(tile, MARGIN.left, MARGIN.top, plot, plot);
  }
  const extent = data.extent;
  const px = (x) => MARGIN.left + ((x + extent) / (2 * extent)) * plot;
  const py = (y) => MARGIN.top + ((extent - y) / (2 * extent)) * plot;
  const radius = Math.max(3, plot / 100);
  for (const [x, y, color, test] of data.points) {
    if (Math.abs(x) > extent || Math.abs(y) > extent) continue;
    ctx.beginPath();
    if (test) {
      ctx.moveTo(px(x), py(y) - radius * 1.3); ctx.lineTo(px(x) + radius * 1.3, py(y));
      ctx.lineTo(px(x), py(y) + radius * 1.3); ctx.lineTo(px(x) - radius * 1.3, py(y)); ctx.closePath();
    } else {
      ctx.arc(px(x), py(y), radius, 0, 2 * Math.PI);
    }
    ctx.fillStyle = color; ctx.fill();
    ctx.lineWidth = 1.2; ctx.strokeStyle = test ? "black" : data.edge || "white"; ctx.stroke();
  }
  for (const [x, y] of state.pending) {
    ctx.beginPath(); ctx.arc(px(x), py(y), radius * 1.6, 0, 2 * Math.PI);
    ctx.lineWidth = 2; ctx.strokeStyle = "#31333F"; ctx.stroke();
  }
  ctx.strokeStyle = "#BEC3CD"; ctx.lineWidth = 1;
  ctx.strokeRect(MARGIN.left, MARGIN.top, plot, plot);
  ctx.fillStyle = "#31333F"; ctx.font = "12px sans-serif";
  for (let tick = -5; tick <= 5; tick += 5) {
    ctx.textAlign = "center"; ctx.textBaseline = "top";
    ctx.fillText(String(tick), px(tick), MARGIN.top + plot + 4);
    ctx.textAlign = "right"; ctx.textBaseline = "middle";
    ctx.fillText(String(tick), MARGIN.left - 4, py(tick));
  }
  ctx.font = "14px sans-serif"; ctx.textAlign = "center"; ctx.textBaseline = "bottom";
  ctx.fillText("x1", MARGIN.left + plot / 2, side - 1);
  ctx.textAlign = "left"; ctx.textBaseline = "middle";
  ctx.fillText("x2", 2, MARGIN.top + plot / 2);
  const epoch = shown.epoch === null || shown.epoch === undefined ? "" : Number(shown.epoch).toLocaleString("en-US");
  state.count.textContent = (data.caption || "").replace("{epoch}", epoch);
  canvas.dataset.points = String(data.points.length);
  canvas.dataset.version = String(data.version);
  canvas.dataset.epoch = String(shown.epoch ?? "");
}

// Paint each picture of a message in turn: data.frames (earlier moments), then data.z, the newest.
function show(state) {
  const { data } = state;
  clearTimeout(state.timer);
  const frames = [...(data.frames || []), { z: data.z, epoch: data.epoch }];
  let next = 0;
  const step = () => {
    state.frame = frames[next];
    paint(state);
    if (state.frame.z) state.canvas.dataset.painted = String(Number(state.canvas.dataset.painted || 0) + 1);
    next += 1;
    if (next < frames.length) state.timer = setTimeout(step, data.spacing || 0);
  };
  step();
}

export default function (component) {
  const { data, parentElement, setTriggerValue } = component;
  let root = parentElement.querySelector(".nnlab-plane");
  if (!root) {
    root = document.createElement("div");
    root.className = "nnlab-plane";
    const canvas = document.createElement("canvas");
    canvas.setAttribute("role", "img");
    const count = document.createElement("div");
    count.className = "nnlab-plane-count";
    root.append(canvas, count);
    parentElement.appendChild(root);
    const state = { canvas, count, pending: [], clicks: 0 };
    root.nnlabState = state;
    canvas.addEventListener("click", (event) => {
      if (!state.data.clicks) return;
      const box = canvas.getBoundingClientRect();
      const scale = state.side / box.width;
      const x = (event.clientX - box.left) * scale - MARGIN.left;
      const y = (event.clientY - box.top) * scale - MARGIN.top;
      if (x < 0 || y < 0 || x > state.plot || y > state.plot) return;
      const extent = state.data.extent;
      const x1 = (x / state.plot) * 2 * extent - extent;
      const x2 = extent - (y / state.plot) * 2 * extent;
      state.clicks += 1;
      if (state.data.adds) { state.pending.push([x1, x2]); paint(state); }
      setTriggerValue("click", { x1: x1, x2: x2, n: state.clicks });
    });
    if (window.ResizeObserver) new ResizeObserver(() => state.data && paint(state)).observe(canvas);
  }
  const state = root.nnlabState;
  const before = state.data;
  if (before === undefined || before.version !== data.version) state.pending = [];
  // The same pictures again (the page redrew around them): repaint, do not start them over.
  const same = before !== undefined && before.z === data.z && before.epoch === data.epoch
    && (before.frames || []).length === (data.frames || []).length;
  state.data = data;
  state.canvas.setAttribute("aria-label", data.label || "The plane");
  state.canvas.style.cursor = data.clicks ? "crosshair" : "default";
  if (same) paint(state); else show(state);
}
