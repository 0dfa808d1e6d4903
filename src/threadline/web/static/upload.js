// Upload page: copy the chosen shipped mapping into the box, to be edited before previewing.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  const button = document.getElementById("copy-mapping");
  const chosen = document.getElementById("mapping");
  const box = document.getElementById("mapping_yaml");
  if (!button || !chosen || !box) { return; }
  button.addEventListener("click", async () => {
    const answer = await fetch(`/upload/mapping/${encodeURIComponent(chosen.value)}`,
                               { credentials: "same-origin" });
    if (answer.ok) { box.value = await answer.text(); box.focus(); }
  });
});
