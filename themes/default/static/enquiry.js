// The contact page (a page with `extra: {enquiry: true}`): names the profiles an
// enquiry is about, read from `?talent=t-2026-001` (several: `?talent=a,b`), which
// every profile's enquiry link adds to a plain contact_url.
//
// The query comes from the address bar, so anyone can put anything in it and send
// the link around: only profile numbers (letters, digits and `-`) are shown, at most
// ten, and only as text (textContent, never markup). Without JavaScript, or without
// a profile number, the page keeps its text asking to quote the number.
(() => {
  const box = document.querySelector('[data-enquiry]');
  if (!box) return;
  const asked = new URLSearchParams(location.search).getAll('talent').join(',').split(',');
  const ids = [...new Set(asked.map(s => s.trim()).filter(s => /^[A-Za-z0-9-]{1,40}$/.test(s)))].slice(0, 10);
  if (!ids.length) return;
  box.textContent = (box.dataset.label || '') + ' ';
  ids.forEach((id, i) => {
    if (i) box.append(box.dataset.separator || ', ');
    const b = document.createElement('strong');
    b.className = 'enquiry-id';
    b.textContent = id;
    box.append(b);
  });
})();
