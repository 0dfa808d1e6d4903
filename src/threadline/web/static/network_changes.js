// Threadline: the network at two dates, side by side (Cytoscape.js). The members are also
// listed as text on the page; the charts add nothing the list does not say.
"use strict";
(() => {
  const data = JSON.parse(document.getElementById("network-elements").textContent);
  const colours = { people: "#1d70b8", businesses: "#00703c", premises: "#d4351c", phones: "#6f72af",
    emails: "#912b88", vehicles: "#f47738", accounts: "#85994b" };
  const style = [
    { selector: "node", style: { label: "data(label)", "font-size": 10, "text-wrap": "ellipsis",
      "text-max-width": 120, width: 18, height: 18, "border-width": 1, "border-color": "#0b0c0c",
      "background-color": (n) => colours[n.data("category")] || "#505a5f" } },
    { selector: "node[change = 'joined']", style: { "border-width": 5, width: 24, height: 24,
      label: (n) => `+ ${n.data("label")}` } },
    { selector: "node[change = 'left']", style: { opacity: 0.4, label: (n) => `− ${n.data("label")}` } },
    { selector: "edge", style: { width: 1.5, "line-color": "#b1b4b6", "curve-style": "bezier" } },
    { selector: "edge[change = 'new']", style: { width: 4, "line-color": "#0b0c0c" } },
    { selector: "edge[change = 'gone']", style: { "line-style": "dashed" } },
  ];
  // both charts share one layout of every node, so a member sits in the same place in each
  const all = new Map();
  for (const el of [...data.before, ...data.after]) { all.set(el.data.id, el); }
  const whole = cytoscape({ headless: true, elements: [...all.values()].map((el) => ({ data: el.data })) });
  whole.layout({ name: "cose", animate: false, randomize: false,
    boundingBox: { x1: 0, y1: 0, w: 600, h: 480 } }).run();
  const at = {};
  whole.nodes().forEach((n) => { at[n.id()] = n.position(); });
  for (const key of ["before", "after"]) {
    const cy = cytoscape({
      container: document.getElementById(`cy-${key}`),
      elements: data[key].map((el) => (el.data.source ? el : { ...el, position: at[el.data.id] })),
      style, layout: { name: "preset" },
    });
    cy.fit(undefined, 30);
    document.getElementById(`cy-${key}`).dataset.nodes = String(cy.nodes().length);
  }
  document.body.dataset.charts = "drawn";
})();
