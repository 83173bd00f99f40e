// The tree picker's find box (templates/components/_tree_picker.html): narrows the nested
// checkboxes to the nodes whose name holds every word typed, keeping their parents in view so
// the tree still reads as a tree. Without this file the box stays hidden and every checkbox is
// shown; ticked boxes that are filtered out of view stay ticked and are still submitted.
(() => {
  const fold = (text) =>
    text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLocaleLowerCase("en-GB");

  const narrow = (picker, box, status) => {
    const words = fold(box.value).split(/\s+/).filter(Boolean);
    const nodes = picker.querySelectorAll("[data-tree-node]");
    let matches = 0;
    nodes.forEach((node) => {
      node.hidden = words.length > 0;
      node.classList.remove("tree-picker-context");
    });
    nodes.forEach((node) => {
      const name = fold(node.querySelector(":scope > .form-check > label").textContent);
      if (words.length === 0 || !words.every((word) => name.includes(word))) {
        return;
      }
      matches += 1;
      node.hidden = false;
      // Parents shown only to place a match are greyed, so the matches stand out.
      let parent = node.parentElement.closest("[data-tree-node]");
      for (; parent && parent.hidden; parent = parent.parentElement.closest("[data-tree-node]")) {
        parent.hidden = false;
        parent.classList.add("tree-picker-context");
      }
    });
    if (words.length === 0) {
      status.textContent = "";
    } else if (matches === 0) {
      status.textContent = "Nothing matches; clear the box to see every one.";
    } else {
      status.textContent = matches === 1 ? "1 match" : `${matches} matches`;
    }
  };

  const setUp = (picker) => {
    // The partial may appear more than once on a page, and with it this script.
    if (picker.dataset.treeReady) {
      return;
    }
    picker.dataset.treeReady = "true";
    const box = picker.querySelector("[data-tree-filter]");
    const status = picker.querySelector("[data-tree-status]");
    box.closest(".tree-picker-search").hidden = false;
    box.addEventListener("input", () => narrow(picker, box, status));
    // Enter in the find box would submit the whole search before anything was ticked.
    box.addEventListener("keydown", (event) => {
      if (event.key === "Enter") {
        event.preventDefault();
      }
    });
  };

  document.addEventListener("DOMContentLoaded", () => {
    document.querySelectorAll("[data-tree-picker]").forEach(setUp);
  });
})();
