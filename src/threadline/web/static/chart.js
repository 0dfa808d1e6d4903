// Threadline link chart: Cytoscape.js over /api/v1/graph. Every node is also listed as text
// with buttons, so the chart is usable from the keyboard and by a screen reader.
"use strict";
(() => {
  const $ = (id) => document.getElementById(id);
  const colours = { Person: "#1d70b8", Company: "#00703c", Organization: "#00703c", LegalEntity: "#00703c",
    Address: "#d4351c", phone: "#6f72af", email: "#912b88", vehicle: "#f47738", account: "#85994b",
    iban: "#85994b", Vehicle: "#f47738", BankAccount: "#85994b" };
  const cy = cytoscape({
    container: $("cy"),
    wheelSensitivity: 0.3,
    style: [
      { selector: "node", style: { label: "data(label)", "font-size": 10, "text-wrap": "ellipsis",
        "text-max-width": 120, "background-color": (n) => colours[n.data("schema_name")] || "#505a5f",
        width: 18, height: 18 } },
      { selector: "node[kind = 'value']", style: { shape: "diamond", width: 12, height: 12 } },
      { selector: "node:selected", style: { "border-width": 3, "border-color": "#ffbf47" } },
      { selector: "node.pinned", style: { "border-width": 2, "border-color": "#0b0c0c", "border-style": "double" } },
      { selector: "edge", style: { width: 1.5, "line-color": "#b1b4b6", "curve-style": "bezier",
        "target-arrow-shape": "triangle", "target-arrow-color": "#b1b4b6", "arrow-scale": 0.6 } },
      { selector: "edge[?extracted]", style: { "line-style": "dashed" } },
      { selector: ".on-path", style: { "line-color": "#d4351c", "target-arrow-color": "#d4351c", width: 4,
        "background-color": "#d4351c" } },
      { selector: ":parent", style: { "background-opacity": 0.06, label: "data(label)", "text-valign": "top" } },
    ],
    layout: { name: "grid" },
  });
  const params = () => {
    const q = new URLSearchParams();
    for (const name of ["from", "to", "grade", "agency", "type"]) {
      const value = $(name).value.trim();
      if (value) { q.append(name, value); }
    }
    if ($("group").checked) { q.append("group", "true"); }
    return q;
  };
  const status = (text) => { $("chart-status").textContent = text; };
  const marking = (p) => {
    $("chart-marking").textContent = `${p.marking}, handling ${p.handling}` + (p.conditions.length ? `: ${p.conditions.join("; ")}` : "");
  };
  async function fetchJson(url) {
    const answer = await fetch(url, { headers: { Accept: "application/json" } });
    const body = await answer.json().catch(() => ({ detail: answer.statusText }));
    if (!answer.ok) { throw new Error(typeof body.detail === "string" ? body.detail : answer.statusText); }
    return body;
  }
  function add(chart) {
    const groups = new Set();
    const elements = [];
    for (const n of chart.nodes) {
      if (cy.getElementById(n.id).nonempty()) { continue; }
      const data = { ...n, id: n.id };
      if (n.community !== null && $("group").checked) {
        const parent = `community-${n.community}`;
        groups.add(parent);
        data.parent = parent;
      }
      elements.push({ group: "nodes", data });
    }
    for (const parent of groups) {
      if (cy.getElementById(parent).empty()) { elements.unshift({ group: "nodes", data: { id: parent, label: `Network ${parent.split("-")[1]}` } }); }
    }
    for (const e of chart.edges) {
      if (cy.getElementById(e.id).empty()) { elements.push({ group: "edges", data: { ...e } }); }
    }
    cy.add(elements);
    marking(chart.protection);
    layout();
    list();
    status(`${cy.nodes().not(":parent").length} nodes and ${cy.edges().length} links on the chart` + (chart.truncated ? `; ${chart.truncated} more left out: narrow the filters` : "."));
  }
  function layout() {
    cy.layout({ name: "cose", animate: false, randomize: false, nodeDimensionsIncludeLabels: true,
      fit: true, padding: 20 }).run();
  }
  function list() {
    const ul = $("node-list");
    ul.replaceChildren();
    cy.nodes().not(":parent").sort((a, b) => a.data("label").localeCompare(b.data("label"))).forEach((node) => {
      const li = document.createElement("li");
      const label = document.createElement("span");
      label.textContent = `${node.data("label")} (${node.data("schema_name")}) `;
      li.append(label);
      const expand = document.createElement("button");
      expand.type = "button"; expand.className = "secondary"; expand.textContent = "Expand";
      expand.setAttribute("aria-label", `Expand ${node.data("label")}`);
      expand.addEventListener("click", () => expandNode(node.id()));
      li.append(expand);
      if (node.data("entity_ids").length) {
        const open = document.createElement("a");
        open.href = `/entities/${encodeURIComponent(node.data("entity_ids")[0])}`;
        open.textContent = " Open";
        open.setAttribute("aria-label", `Open ${node.data("label")}`);
        li.append(open);
      }
      ul.append(li);
    });
  }
  async function expandNode(id, hops = 1) {
    status("Loading…");
    try {
      const q = params(); q.set("entity", id); q.set("hops", String(hops));
      add(await fetchJson(`/api/v1/graph/neighbourhood?${q}`));
    } catch (error) { status(`Could not expand: ${error.message}`); }
  }
  $("expand-form").addEventListener("submit", (event) => {
    event.preventDefault();
    cy.elements().remove();
    expandNode($("focus").value.trim(), Number($("hops").value));
  });
  $("path-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    status("Finding a path…");
    const q = params(); q.set("source", $("source").value.trim()); q.set("target", $("target").value.trim());
    try {
      const chart = await fetchJson(`/api/v1/graph/path?${q}`);
      add(chart);
      cy.elements().removeClass("on-path");
      for (let i = 0; i < chart.path.length; i++) {
        cy.getElementById(chart.path[i]).addClass("on-path");
        if (i > 0) { cy.edges().filter((e) => [e.source().id(), e.target().id()].sort().join() === [chart.path[i - 1], chart.path[i]].sort().join()).addClass("on-path"); }
      }
      const ol = $("path-steps"); ol.replaceChildren();
      for (const step of chart.steps) {
        const li = document.createElement("li");
        li.textContent = `${step.sentence} (grade ${step.grade}; ${step.agencies.join(", ")})`;
        ol.append(li);
      }
      $("path-section").hidden = false;
      status(`Path of ${chart.steps.length} hop${chart.steps.length === 1 ? "" : "s"} found.`);
    } catch (error) { status(`No path: ${error.message}`); }
  });
  cy.on("dbltap", "node", (event) => { if (!event.target.isParent()) { expandNode(event.target.id()); } });
  $("pin").addEventListener("click", () => { cy.nodes(":selected").forEach((n) => { n.locked() ? n.unlock() : n.lock(); n.toggleClass("pinned"); }); });
  $("relayout").addEventListener("click", layout);
  $("filter-form").addEventListener("change", () => { if ($("focus").value.trim()) { cy.elements().remove(); expandNode($("focus").value.trim(), Number($("hops").value)); } });
  const csrf = () => (document.querySelector('meta[name="csrf-token"]') || {}).content || "";
  $("save-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const nodes = cy.nodes().not(":parent").map((n) => ({ id: n.id(), x: n.position("x"), y: n.position("y"), pinned: n.locked() }));
    const q = params();
    const filters = { since: q.get("from"), until: q.get("to"), types: q.getAll("type"), grade: q.get("grade") || "", agencies: q.getAll("agency") };
    const answer = await fetch("/api/v1/charts", { method: "POST", headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf() },
      body: JSON.stringify({ case: $("case").value, name: $("chart-name").value, nodes, filters }) });
    const body = await answer.json().catch(() => ({}));
    status(answer.ok ? `Chart "${body.name}" saved to case ${body.case}.` : `Not saved: ${typeof body.detail === "string" ? body.detail : "check the case and the name"}`);
  });
  async function openSaved(id) {
    status("Opening…");
    try {
      const opened = await fetchJson(`/api/v1/charts/${encodeURIComponent(id)}`);
      cy.elements().remove();
      add(opened.chart);
      for (const [nodeId, placed] of Object.entries(opened.positions)) {
        const node = cy.getElementById(nodeId);
        node.position({ x: placed.x, y: placed.y });
        if (placed.pinned) { node.lock(); node.addClass("pinned"); }
      }
      cy.fit();
      status(`Opened "${opened.saved.name}" (${opened.chart.nodes.length} nodes` + (opened.left_out ? `; ${opened.left_out} you may not see are left out)` : ")"));
    } catch (error) { status(`Could not open: ${error.message}`); }
  }
  $("open-form").addEventListener("submit", (event) => { event.preventDefault(); if ($("saved").value) { openSaved($("saved").value); } });
  if ($("saved").value) { openSaved($("saved").value); }
  else if ($("focus").value.trim()) { expandNode($("focus").value.trim(), Number($("hops").value)); }
})();
