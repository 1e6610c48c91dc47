/*
 * Oct4 predictor: runs the CNN of chapter 6 of "Deep Learning for Biological Sequences" in the
 * browser with TensorFlow.js (a graph model converted from Keras; see seqdl/deploy.py).
 *
 * The input encoding must match the Python side exactly (seqdl.encode.one_hot_encode):
 * shape (200, 4), columns A, C, G, T, an N is an all-zero row, lower case means the same base.
 * Everything is relative to this folder, so the page works wherever the site is served.
 */
"use strict";

(function () {
  const SEQ_LEN = 200; // bp, the only length the model was trained on
  const BASES = "ACGT"; // one-hot column order, as in seqdl.encode.DNA_ALPHABET
  const MAX_RECORDS = 100; // records predicted per click
  const BATCH = 256; // sequences per model call
  const MODEL_URL = "model/model.json";
  const EXAMPLES_URL = "model/examples.json";
  const BLUE = [0, 114, 178]; // Okabe-Ito blue: substitution lowers P(Oct4)
  const VERMILLION = [213, 94, 0]; // Okabe-Ito vermillion: substitution raises P(Oct4)
  const REFERENCE_GREY = "#b3b3b3";
  const HINTS = {
    U: " (U is RNA: replace it with T)",
    R: " (an IUPAC ambiguity code: replace it with N)",
  };
  for (const code of "YSWKMBDHV") HINTS[code] = HINTS.R;
  for (const digit of "0123456789") HINTS[digit] = " (remove position numbers from the sequence)";

  const state = { model: null, exampleList: [], examples: new Map(), records: [], ism: null, timings: {}, runs: 0 };
  const $ = (id) => document.getElementById(id);

  // ------------------------------------------------------------------ parsing and validation

  /** Split pasted text into records {name, sequence}; plain text (no '>') is one record. */
  function splitRecords(text) {
    const lines = text.split(/\r\n|\r|\n/);
    if (!lines.some((line) => line.trim().startsWith(">"))) {
      return { records: [{ name: "sequence 1", raw: text.replace(/\s+/g, ""), fasta: false }], errors: [] };
    }
    const records = [];
    const errors = [];
    let current = null;
    lines.forEach((line, i) => {
      const trimmed = line.trim();
      if (trimmed.startsWith(">")) {
        current = { name: trimmed.slice(1).trim() || `record ${records.length + 1}`, raw: "", fasta: true };
        records.push(current);
      } else if (trimmed !== "") {
        if (current === null) {
          if (errors.length === 0) {
            errors.push(
              `Line ${i + 1} comes before the first '>' header. In FASTA, every sequence starts ` +
                "with a header line such as '>my_peak'."
            );
          }
        } else {
          current.raw += trimmed.replace(/\s+/g, "");
        }
      }
    });
    return { records, errors };
  }

  /** The reason a record cannot be predicted, or null if it is a valid 200-bp DNA sequence. */
  function recordError(record) {
    const label = record.fasta ? `Record "${record.name}"` : "The sequence";
    if (record.raw.length === 0) {
      return record.fasta ? `${label} has a header line but no sequence below it.` : null;
    }
    const bad = record.raw.search(/[^ACGTNacgtn]/);
    if (bad >= 0) {
      const char = record.raw[bad];
      return (
        `${label}: invalid character "${char}" at base ${bad + 1}; allowed are A, C, G, T and N ` +
        `(upper or lower case)${HINTS[char.toUpperCase()] || ""}.`
      );
    }
    if (record.raw.length !== SEQ_LEN) {
      const several = record.fasta ? "" : " To predict several sequences, start each one with a '>' header line.";
      return (
        `${label} is ${record.raw.length} bp long; the model reads exactly ${SEQ_LEN} bp. ` +
        `Paste a ${SEQ_LEN}-bp window (for example centred on the peak summit).${several}`
      );
    }
    return null;
  }

  /**
   * Parse and validate pasted text.
   * @returns {{records: {name: string, sequence: string}[], errors: string[]}} valid records
   *   (sequences upper-cased) and one message per problem.
   */
  function parseInput(text) {
    if (text.trim() === "") {
      return {
        records: [],
        errors: [`Nothing to predict: paste a ${SEQ_LEN}-bp DNA sequence or FASTA records first.`],
      };
    }
    const { records, errors } = splitRecords(text);
    const valid = [];
    for (const record of records) {
      const error = recordError(record);
      if (error) errors.push(error);
      else if (record.raw.length > 0) valid.push({ name: record.name, sequence: record.raw.toUpperCase() });
    }
    if (valid.length > MAX_RECORDS) {
      errors.push(`Only the first ${MAX_RECORDS} of ${valid.length} valid records are predicted.`);
      valid.length = MAX_RECORDS;
    }
    return { records: valid, errors };
  }

  // ------------------------------------------------------------------ encoding and prediction

  /** One-hot encode upper-case sequences into a Float32Array of shape (n, 200, 4), as seqdl does. */
  function encode(sequences) {
    const data = new Float32Array(sequences.length * SEQ_LEN * 4);
    sequences.forEach((seq, i) => {
      for (let j = 0; j < SEQ_LEN; j++) {
        const column = BASES.indexOf(seq[j]); // N (and only N, after validation) gives -1: zeros
        if (column >= 0) data[(i * SEQ_LEN + j) * 4 + column] = 1;
      }
    });
    return data;
  }

  /** P(Oct4) for a Float32Array of one-hot sequences, shape (n, 200, 4); batched. */
  async function predictEncoded(data, n) {
    const out = new Float32Array(n);
    const stride = SEQ_LEN * 4;
    for (let start = 0; start < n; start += BATCH) {
      const size = Math.min(BATCH, n - start);
      const input = tf.tensor3d(data.subarray(start * stride, (start + size) * stride), [size, SEQ_LEN, 4]);
      const output = state.model.predict(input);
      out.set(await output.data(), start);
      tf.dispose([input, output]);
    }
    return out;
  }

  async function predict(sequences) {
    return predictEncoded(encode(sequences), sequences.length);
  }

  /**
   * In-silico mutagenesis: every single-base substitution of one sequence.
   * @returns {{reference: number, delta: Float32Array, sequence: string}} delta has shape (200, 4):
   *   P(mutant) - P(reference) for position j and base k; NaN where k is the reference base.
   */
  async function mutagenesis(sequence) {
    const [reference] = await predict([sequence]);
    const mutants = [];
    const where = [];
    for (let j = 0; j < SEQ_LEN; j++) {
      for (let k = 0; k < 4; k++) {
        if (sequence[j] === BASES[k]) continue; // at an N, all four bases are substitutions
        mutants.push(sequence.slice(0, j) + BASES[k] + sequence.slice(j + 1));
        where.push(j * 4 + k);
      }
    }
    const probabilities = await predict(mutants);
    const delta = new Float32Array(SEQ_LEN * 4).fill(NaN);
    where.forEach((cell, i) => {
      delta[cell] = probabilities[i] - reference;
    });
    return { reference, delta, sequence };
  }

  // ------------------------------------------------------------------ drawing

  function colour(value, limit) {
    const t = Math.min(1, Math.abs(value) / limit);
    const end = value < 0 ? BLUE : VERMILLION;
    const mix = end.map((c) => Math.round(255 + (c - 255) * t));
    return `rgb(${mix[0]}, ${mix[1]}, ${mix[2]})`;
  }

  const LAYOUT = { left: 34, top: 12, cell: 4, row: 30, bottom: 52 };

  function drawIsm(result, name) {
    const canvas = $("ism-canvas");
    const ctx = canvas.getContext("2d");
    const { left, top, cell, row } = LAYOUT;
    const limit = Math.max(1e-6, ...Array.from(result.delta).filter((v) => !Number.isNaN(v)).map(Math.abs));
    ctx.fillStyle = "#ffffff";
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    for (let j = 0; j < SEQ_LEN; j++) {
      for (let k = 0; k < 4; k++) {
        const value = result.delta[j * 4 + k];
        ctx.fillStyle = Number.isNaN(value) ? REFERENCE_GREY : colour(value, limit);
        ctx.fillRect(left + j * cell, top + k * row, cell, row);
      }
    }
    ctx.strokeStyle = "#666";
    ctx.strokeRect(left, top, SEQ_LEN * cell, 4 * row);
    ctx.fillStyle = "#222";
    ctx.font = "13px sans-serif";
    ctx.textAlign = "right";
    ctx.textBaseline = "middle";
    for (let k = 0; k < 4; k++) ctx.fillText(BASES[k], left - 8, top + (k + 0.5) * row);
    ctx.textAlign = "center";
    ctx.textBaseline = "top";
    const axisY = top + 4 * row;
    for (let position = 1; position <= SEQ_LEN; position += position === 1 ? 19 : 20) {
      const x = left + (position - 0.5) * cell;
      ctx.fillRect(x, axisY, 1, 4);
      ctx.fillText(String(position), x, axisY + 6);
    }
    ctx.fillText("position in the sequence (bp)", left + (SEQ_LEN * cell) / 2, axisY + 26);
    $("colorbar-min").textContent = (-limit).toFixed(3);
    $("colorbar-max").textContent = `+${limit.toFixed(3)}`;
    $("ism-title").textContent =
      `In-silico mutagenesis of "${name}": P(Oct4) = ${result.reference.toFixed(3)}; ` +
      `the largest single-base change is ${limit.toFixed(3)}`;
  }

  function describeCell(event) {
    if (!state.ism) return;
    const canvas = $("ism-canvas");
    const rect = canvas.getBoundingClientRect();
    const x = ((event.clientX - rect.left) * canvas.width) / rect.width;
    const y = ((event.clientY - rect.top) * canvas.height) / rect.height;
    const j = Math.floor((x - LAYOUT.left) / LAYOUT.cell);
    const k = Math.floor((y - LAYOUT.top) / LAYOUT.row);
    if (j < 0 || j >= SEQ_LEN || k < 0 || k > 3) return;
    const value = state.ism.delta[j * 4 + k];
    const ref = state.ism.sequence[j];
    $("ism-hover").textContent = Number.isNaN(value)
      ? `Position ${j + 1}: ${ref} is the base of the sequence.`
      : `Position ${j + 1}, ${ref} to ${BASES[k]}: P(Oct4) changes by ${value >= 0 ? "+" : ""}${value.toFixed(4)}.`;
  }

  // ------------------------------------------------------------------ page logic

  function showMessages(messages) {
    const box = $("messages");
    box.replaceChildren(
      ...messages.map((text) => {
        const p = document.createElement("p");
        p.textContent = text;
        return p;
      })
    );
    box.hidden = messages.length === 0;
  }

  function cell(row, text, className) {
    const td = document.createElement("td");
    td.textContent = text;
    if (className) td.className = className;
    row.appendChild(td);
    return td;
  }

  function showResults(records, probabilities) {
    const body = $("results").querySelector("tbody");
    body.replaceChildren();
    records.forEach((record, i) => {
      const row = document.createElement("tr");
      cell(row, String(i + 1), "num");
      cell(row, record.name, "record");
      const p = cell(row, probabilities[i].toFixed(4), "num probability");
      p.dataset.probability = String(probabilities[i]);
      cell(row, probabilities[i] >= 0.5 ? "Oct4 peak" : "MafK peak");
      const known = state.examples.get(record.sequence);
      cell(row, known === undefined ? "" : known.toFixed(4), "num");
      body.appendChild(row);
    });
    $("results-section").hidden = records.length === 0;
    const select = $("ism-record");
    select.replaceChildren(
      ...records.map((record, i) => {
        const option = document.createElement("option");
        option.value = String(i);
        option.textContent = `${i + 1}: ${record.name}`;
        return option;
      })
    );
  }

  async function showIsm(index) {
    const record = state.records[index];
    if (!record) {
      $("ism-section").hidden = true;
      state.ism = null;
      return;
    }
    $("status").textContent = `Computing the mutation map of "${record.name}"\u2026`;
    const start = performance.now();
    state.ism = await mutagenesis(record.sequence);
    state.timings.ismMs = performance.now() - start;
    drawIsm(state.ism, record.name);
    $("ism-hover").textContent = "Point at a cell to read its value.";
    $("ism-section").hidden = false;
  }

  async function onPredict() {
    const button = $("predict-button");
    button.disabled = true;
    $("status").textContent = "Predicting\u2026";
    try {
      const { records, errors } = parseInput($("sequence-input").value);
      showMessages(errors);
      state.records = records;
      const start = performance.now();
      const probabilities = records.length ? await predict(records.map((r) => r.sequence)) : [];
      state.timings.predictMs = performance.now() - start;
      showResults(records, probabilities);
      await showIsm(0);
      $("status").textContent = records.length
        ? `Predicted ${records.length} sequence${records.length > 1 ? "s" : ""} in ` +
          `${state.timings.predictMs.toFixed(0)} ms; mutation map in ${state.timings.ismMs.toFixed(0)} ms.`
        : "Nothing was predicted.";
    } catch (err) {
      showMessages([`Something went wrong while predicting: ${err.message}`]);
    } finally {
      button.disabled = false;
      state.runs += 1;
      document.body.dataset.runs = String(state.runs); // tests wait for this to change
    }
  }

  function loadExamplesIntoBox() {
    const lines = [];
    state.exampleList.forEach((example, i) => {
      lines.push(`>example ${i + 1}: ${example.id} (${example.label} peak, test set)`, example.sequence);
    });
    $("sequence-input").value = lines.join("\n");
  }

  async function loadModel() {
    if (typeof tf === "undefined") {
      throw new Error(
        "TensorFlow.js (vendor/tf.min.js) did not load. If you build the site yourself, run `npm ci` first."
      );
    }
    if (window.location.protocol === "file:") {
      throw new Error(
        "Browsers do not let a page opened from a file (file://) read its model files. Serve the folder " +
          "instead, for example with `python -m http.server` in it, and open http://localhost:8000/."
      );
    }
    const start = performance.now();
    await tf.setBackend("cpu"); // float32 everywhere, identical results on every device
    await tf.ready();
    // 'no-cache' revalidates model files with the server, so a new model is never hidden by an old copy.
    state.model = await tf.loadGraphModel(MODEL_URL, { requestInit: { cache: "no-cache" } });
    const warm = state.model.predict(tf.zeros([1, SEQ_LEN, 4]));
    await warm.data();
    warm.dispose();
    state.timings.modelLoadMs = performance.now() - start;
    const response = await fetch(EXAMPLES_URL, { cache: "no-cache" });
    state.exampleList = response.ok ? (await response.json()).examples : [];
    for (const example of state.exampleList) state.examples.set(example.sequence, example.keras_probability);
  }

  function init() {
    $("predict-button").addEventListener("click", onPredict);
    $("examples-button").addEventListener("click", () => {
      loadExamplesIntoBox();
      onPredict();
    });
    $("clear-button").addEventListener("click", () => {
      $("sequence-input").value = "";
      showMessages([]);
      $("results-section").hidden = true;
      $("ism-section").hidden = true;
    });
    $("sequence-input").addEventListener("keydown", (event) => {
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey) && !$("predict-button").disabled) {
        event.preventDefault();
        onPredict();
      }
    });
    $("ism-record").addEventListener("change", async (event) => {
      await showIsm(Number(event.target.value));
      $("status").textContent = `Mutation map in ${state.timings.ismMs.toFixed(0)} ms.`;
    });
    $("ism-canvas").addEventListener("mousemove", describeCell);
    const ready = loadModel().then(
      () => {
        $("status").textContent =
          `Model loaded in ${state.timings.modelLoadMs.toFixed(0)} ms ` +
          `(TensorFlow.js ${tf.version.tfjs}, ${tf.getBackend()} backend). Paste a sequence and press Predict.`;
        $("predict-button").disabled = false;
        $("examples-button").disabled = state.exampleList.length === 0;
        document.body.dataset.ready = "true";
      },
      (err) => {
        $("status").textContent = "The model could not be loaded.";
        showMessages([err.message]);
        document.body.dataset.ready = "failed";
      }
    );
    // For tests and the benchmark (tests/test_browser.py, tools/benchmark_browser.py).
    window.seqdlPredictor = { ready, parseInput, encode, predict, mutagenesis, state, SEQ_LEN, BASES };
  }

  init();
})();
