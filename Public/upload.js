// Bando's upload pages. The plain forms work without this script; with it, the upload form
// sends its file with a progress bar and checks the size limit first, the preview page is asked
// for again as soon as another encoding, coordinate column or layer is chosen (every select
// marked data-rerender submits its form on change; the server answers from its cache a choice
// it has read before), and the status page follows a running import (GET status.json every
// second) and reloads when it ends. Text from the server is shown with textContent only.
(function () {
  'use strict';

  function fill(template, values) {
    return String(template || '').replace(/\{(\w+)\}/g, function (whole, key) {
      return Object.prototype.hasOwnProperty.call(values, key) ? String(values[key]) : whole;
    });
  }

  // The message of a refused upload: the JSON reply's, else the error page's first paragraph.
  function messageOf(xhr) {
    try {
      var reply = JSON.parse(xhr.responseText);
      if (reply && reply.error) return reply.error;
    } catch (ignored) { /* an HTML error page */ }
    try {
      var page = new DOMParser().parseFromString(xhr.responseText, 'text/html');
      var paragraph = page.querySelector('main .error, main p');
      if (paragraph && paragraph.textContent.trim()) return paragraph.textContent.trim();
    } catch (ignored) { /* no message */ }
    return '';
  }

  function uploadForm(form) {
    var input = form.querySelector('input[type="file"]');
    var box = document.getElementById('upload-progress');
    var bar = box && box.querySelector('progress');
    var label = box && box.querySelector('.upload-progress-text');
    var error = document.getElementById('upload-error');
    var button = form.querySelector('button[type="submit"]');
    var maxBytes = Number(form.getAttribute('data-max-bytes')) || 0;

    function fail(message) {
      if (box) box.hidden = true;
      error.textContent = message || form.getAttribute('data-failed');
      error.hidden = false;
      button.disabled = false;
    }

    form.addEventListener('submit', function (event) {
      var file = input && input.files && input.files[0];
      if (!file || !window.FormData) return;
      event.preventDefault();
      error.hidden = true;
      if (maxBytes && file.size > maxBytes) {
        fail(form.getAttribute('data-too-large'));
        return;
      }
      button.disabled = true;
      if (box) box.hidden = false;
      var xhr = new XMLHttpRequest();
      xhr.open('POST', form.action);
      xhr.setRequestHeader('Accept', 'application/json');
      xhr.upload.onprogress = function (e) {
        if (!e.lengthComputable || !bar) return;
        var percent = Math.floor(e.loaded * 100 / e.total);
        bar.value = percent;
        label.textContent = fill(form.getAttribute('data-sending'), { percent: percent + ' %' });
      };
      xhr.onload = function () {
        if (xhr.status === 200) {
          try {
            var reply = JSON.parse(xhr.responseText);
            if (reply && typeof reply.location === 'string' && /^\/[^\/\\]/.test(reply.location)) {
              window.location.assign(reply.location);
              return;
            }
          } catch (ignored) { /* not our reply */ }
        }
        fail(xhr.status === 413 ? form.getAttribute('data-too-large') : messageOf(xhr));
      };
      xhr.onerror = function () { fail(form.getAttribute('data-failed')); };
      xhr.send(new FormData(form));
    });
  }

  function rerenderOnChange(select) {
    select.addEventListener('change', function () { select.form.submit(); });
  }

  function importStatus(section) {
    var state = section.getAttribute('data-state');
    if (state !== 'queued' && state !== 'running') return;
    var url = section.getAttribute('data-status-url');
    var bar = section.querySelector('progress');
    var label = section.querySelector('.upload-progress-text');
    var timer = window.setInterval(function () {
      var xhr = new XMLHttpRequest();
      xhr.open('GET', url);
      xhr.setRequestHeader('Accept', 'application/json');
      xhr.onload = function () {
        if (xhr.status !== 200) return;
        var status;
        try { status = JSON.parse(xhr.responseText); } catch (ignored) { return; }
        if (status.state === 'done' || status.state === 'failed' || status.state === 'staged') {
          window.clearInterval(timer);
          window.location.reload();
          return;
        }
        if (!label) return;
        if (status.state === 'queued') {
          label.textContent = section.getAttribute('data-text-queued');
        } else if (status.total > 0) {
          bar.value = Math.floor(status.written * 100 / status.total);
          var words = status.written >= status.total ? 'data-text-indexing' : 'data-text-writing';
          label.textContent = fill(section.getAttribute(words), { written: status.written, total: status.total });
        } else {
          bar.removeAttribute('value');
          label.textContent = section.getAttribute('data-text-reading');
        }
      };
      xhr.send();
    }, 1000);
  }

  var form = document.getElementById('upload-form');
  if (form && window.XMLHttpRequest) uploadForm(form);
  var selects = document.querySelectorAll('select[data-rerender]');
  for (var i = 0; i < selects.length; i++) rerenderOnChange(selects[i]);
  var section = document.getElementById('import-status');
  if (section) importStatus(section);
})();
