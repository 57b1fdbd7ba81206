// Upload with a progress bar: the form is sent by XMLHttpRequest (same fields, same CSRF token); on
// success the browser follows the server's redirect, on failure it shows the server's error page.
document.querySelectorAll("form[data-progress]").forEach((form) => {
  const bar = document.getElementById(form.dataset.progress);
  const text = document.getElementById(form.dataset.progress + "-text");
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const xhr = new XMLHttpRequest();
    xhr.open("POST", form.action);
    xhr.upload.addEventListener("progress", (e) => {
      if (!e.lengthComputable) return;
      const pct = Math.round((100 * e.loaded) / e.total);
      bar.hidden = false;
      bar.value = pct;
      text.textContent = pct < 100 ? `${pct}% sent` : "checking the files…";
    });
    xhr.addEventListener("load", () => {
      if (xhr.status < 400 && xhr.responseURL) {
        window.location.assign(xhr.responseURL);
      } else {
        document.open();
        document.write(xhr.responseText);
        document.close();
      }
    });
    xhr.addEventListener("error", () => { text.textContent = "upload failed (connection lost)"; });
    form.querySelectorAll("button").forEach((b) => { b.disabled = true; });
    xhr.send(new FormData(form));
  });
});
