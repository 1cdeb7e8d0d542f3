// Bando's style form: whenever a field changes, the form is posted (after a short pause) to
// the preview door, which answers a PNG drawn with the style being edited, shown through a
// data: URL; a refused style's message is shown as text. Without this script the form's
// preview button does the same by reloading the page.
(function () {
  'use strict';
  var form = document.getElementById('style-form');
  var image = document.getElementById('style-preview');
  var message = document.getElementById('style-preview-message');
  if (!form || !image || !message || !window.fetch || !window.FileReader) return;
  var target = form.getAttribute('data-preview');
  var timer = null;
  var latest = 0;

  function refresh() {
    var request = ++latest;
    var body = new URLSearchParams(new FormData(form));
    form.classList.add('previewing');
    fetch(target, { method: 'POST', body: body, credentials: 'same-origin' })
      .then(function (response) {
        if (!response.ok) {
          return response.text().then(function (text) { throw new Error(text || response.statusText); });
        }
        return response.blob();
      })
      .then(function (blob) {
        var reader = new FileReader();
        reader.onload = function () {
          if (request !== latest) return;
          image.src = reader.result;
          message.textContent = '';
          form.classList.remove('previewing');
        };
        reader.readAsDataURL(blob);
      })
      .catch(function (error) {
        if (request !== latest) return;
        message.textContent = error.message;
        form.classList.remove('previewing');
      });
  }

  function schedule() {
    clearTimeout(timer);
    timer = setTimeout(refresh, 400);
  }

  // Typing in one part of the form makes that part the one the style comes from.
  function follow(event) {
    var fieldset = event.target.closest ? event.target.closest('fieldset') : null;
    var radio = fieldset ? fieldset.querySelector('input[name="mode"]') : null;
    if (radio && event.target !== radio) radio.checked = true;
    schedule();
  }

  form.addEventListener('input', follow);
  form.addEventListener('change', follow);
})();
