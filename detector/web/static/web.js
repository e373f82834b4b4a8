// detector's check page: cards, Accept / Ignore / Apply all, download, keyboard navigation, progress.
// Served by the server itself (no CDN); the page works without it, minus these conveniences.
"use strict";

function marksOf(result, i) {
  return Array.from(result.querySelectorAll('mark[data-f="' + i + '"]'));
}

function cardOf(result, i) {
  return result.querySelector('.card[data-f="' + i + '"]');
}

function liveCards(result) {
  return Array.from(result.querySelectorAll(".card")).filter(function (c) {
    return !c.classList.contains("done") && marksOf(result, c.dataset.f).length > 0;
  });
}

function openCard(result, i, focusMark) {
  result.querySelectorAll(".card.open").forEach(function (c) { c.classList.remove("open"); });
  result.querySelectorAll("mark.active").forEach(function (m) { m.classList.remove("active"); });
  var card = cardOf(result, i);
  if (!card) return;
  card.classList.add("open");
  card.scrollIntoView({block: "nearest"});
  var marks = marksOf(result, i);
  marks.forEach(function (m) { m.classList.add("active"); });
  if (focusMark && marks.length) marks[0].focus();
  result.dataset.active = i;
  var cards = liveCards(result);
  var pos = cards.indexOf(card);
  result.querySelector(".position").textContent =
    pos >= 0 ? "finding " + (pos + 1) + " of " + cards.length : cards.length + " open finding(s)";
}

function finish(result, i, how) {
  var card = cardOf(result, i);
  if (!card) return;
  card.classList.remove("open");
  card.classList.add("done", how);
  var state = card.querySelector(".state");
  state.hidden = false;
  state.textContent = how === "accepted" ? "Accepted." : how === "ignored" ? "Ignored." : "Gone: an accepted change replaced its text.";
}

function accept(result, i) {
  var card = cardOf(result, i);
  var marks = marksOf(result, i);
  if (!card || card.dataset.replacement === undefined || !marks.length) return false;
  var span = document.createElement("span");
  span.className = "accepted";
  span.title = "was: " + marks.map(function (m) { return m.textContent; }).join("");
  span.textContent = card.dataset.replacement;
  marks[0].replaceWith(span);
  marks.slice(1).forEach(function (m) { m.remove(); });
  finish(result, i, "accepted");
  result.querySelectorAll(".card:not(.done)").forEach(function (c) {  // findings whose words were replaced
    if (!marksOf(result, c.dataset.f).length) finish(result, c.dataset.f, "gone");
  });
  return true;
}

function ignore(result, i) {
  marksOf(result, i).forEach(function (m) { m.replaceWith.apply(m, Array.from(m.childNodes)); });
  finish(result, i, "ignored");
}

function move(result, step) {
  var cards = liveCards(result);
  if (!cards.length) return;
  var current = cards.findIndex(function (c) { return c.dataset.f === result.dataset.active; });
  var next = current < 0 ? (step > 0 ? 0 : cards.length - 1) : (current + step + cards.length) % cards.length;
  openCard(result, cards[next].dataset.f, true);
}

function nextAfter(result, i) {
  var cards = liveCards(result);
  var after = cards.find(function (c) { return Number(c.dataset.f) > Number(i); }) || cards[0];
  if (after) openCard(result, after.dataset.f, true);
  else result.querySelector(".position").textContent = "no open findings";
}

function download(result) {
  var text = result.querySelector("article.text").textContent;
  var blob = new Blob([text], {type: "text/plain;charset=utf-8"});
  var a = document.createElement("a");
  a.href = URL.createObjectURL(blob);
  a.download = (result.dataset.name || "article") + ".corrected.txt";
  document.body.appendChild(a);
  a.click();
  setTimeout(function () { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
}

function act(result, what, i) {
  if (what === "prev") return move(result, -1);
  if (what === "next") return move(result, 1);
  if (what === "download") return download(result);
  if (i === undefined) return;
  if (what === "accept") accept(result, i);
  else if (what === "ignore") ignore(result, i);
  else if (what === "apply-all") {
    var rule = cardOf(result, i).dataset.rule;
    result.querySelectorAll('.card:not(.done)[data-replacement][data-rule="' + CSS.escape(rule) + '"]').forEach(function (c) {
      accept(result, c.dataset.f);
    });
  }
  nextAfter(result, i);
}

function initResult(result) {
  result.addEventListener("focusin", function (e) {
    var m = e.target.closest("mark[data-f]");
    if (m) openCard(result, m.dataset.f, false);
  });
  result.addEventListener("mouseover", function (e) {
    var m = e.target.closest("mark[data-f]");
    if (m && result.dataset.active !== m.dataset.f) openCard(result, m.dataset.f, false);
  });
  result.addEventListener("click", function (e) {
    var b = e.target.closest("button[data-act]");
    if (b) {
      var card = b.closest(".card");
      act(result, b.dataset.act, card ? card.dataset.f : undefined);
      return;
    }
    var head = e.target.closest(".card-head");
    if (head && !e.target.closest("a")) openCard(result, head.closest(".card").dataset.f, true);
  });
}

function activeResult() {
  var el = document.activeElement && document.activeElement.closest && document.activeElement.closest(".result");
  return el || document.querySelector(".result");
}

document.addEventListener("keydown", function (e) {
  var tag = (e.target.tagName || "").toLowerCase();
  if (tag === "textarea" || tag === "input" || tag === "select" || e.ctrlKey || e.metaKey || e.altKey) return;
  var result = activeResult();
  if (!result) return;
  var i = result.dataset.active;
  var keys = {j: "next", ArrowDown: "next", k: "prev", ArrowUp: "prev", a: "accept", i: "ignore"};
  if (e.key === "Escape") {
    result.querySelectorAll(".card.open").forEach(function (c) { c.classList.remove("open"); });
    delete result.dataset.active;
    return;
  }
  var what = keys[e.key];
  if (!what) return;
  if ((what === "accept" || what === "ignore") && i === undefined) return;
  e.preventDefault();
  act(result, what, i);
});

function showProgress(event) {
  var box = document.getElementById("progress");
  box.hidden = false;
  var bar = box.querySelector("progress");
  var label = box.querySelector(".progress-text");
  if (event.state === "sending") {
    bar.removeAttribute("value");
    label.textContent = "Sending…";
  } else if (event.state === "queued") {
    bar.removeAttribute("value");
    label.textContent = "Waiting for a free worker… " + event.elapsed.toFixed(1) + " s";
  } else {
    bar.value = Math.min(0.95, event.elapsed / Math.max(event.expected, 0.1));
    label.textContent = "Checking " + event.words + " words… " + event.elapsed.toFixed(1) + " s" +
      (event.elapsed <= event.expected ? " of about " + event.expected.toFixed(1) + " s"
                                       : " (longer than the usual " + event.expected.toFixed(1) + " s)");
  }
}

async function submitCheck(form) {
  var error = document.getElementById("check-error");
  var button = document.getElementById("check-button");
  error.hidden = true;
  button.disabled = true;
  showProgress({state: "sending", elapsed: 0});
  try {
    var response = await fetch(form.action, {method: "POST", body: new FormData(form),
                                              headers: {"Accept": "application/x-ndjson"}});
    var type = response.headers.get("content-type") || "";
    if (!response.ok) {
      var problem = type.indexOf("json") >= 0 ? await response.json() : {detail: response.statusText};
      throw new Error(problem.detail || response.statusText);
    }
    if (type.indexOf("ndjson") < 0) {  // a whole page (e.g. a file without articles)
      document.open(); document.write(await response.text()); document.close();
      return;
    }
    var reader = response.body.getReader();
    var decoder = new TextDecoder();
    var buffer = "";
    for (;;) {
      var chunk = await reader.read();
      if (chunk.done) break;
      buffer += decoder.decode(chunk.value, {stream: true});
      var lines = buffer.split("\n");
      buffer = lines.pop();
      lines.filter(Boolean).forEach(function (line) {
        var event = JSON.parse(line);
        if (event.error) throw new Error(event.error);
        if (event.html !== undefined) {
          var results = document.getElementById("results");
          results.innerHTML = event.html;  // rendered and escaped by the server
          results.querySelectorAll(".result").forEach(initResult);
          var first = results.querySelector(".result");
          if (first) first.scrollIntoView();
        } else {
          showProgress(event);
        }
      });
    }
  } catch (err) {
    error.textContent = err.message;
    error.hidden = false;
  } finally {
    document.getElementById("progress").hidden = true;
    button.disabled = false;
  }
}

document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll(".result").forEach(initResult);
  var form = document.getElementById("check-form");
  if (form && window.fetch && window.ReadableStream) {
    form.addEventListener("submit", function (e) { e.preventDefault(); submitCheck(form); });
  }
});
