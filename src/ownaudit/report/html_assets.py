"""The stylesheet and script inlined into every HTML report (no file is fetched from anywhere).

The page must fit any window from a phone (390 px) to a wide screen: the access
matrix scrolls inside its own box, the findings table wraps (fixed layout, long
identifiers break), and below 720 px each finding becomes a card. The script only
filters rows already in the page and reacts to ``#cell=ROLE|TABLE`` links.
"""

from __future__ import annotations

CSS = """
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0 auto;padding:.8rem 1.2rem;
  max-width:110rem;color:#1f2328;line-height:1.35}
h1{font-size:1.3rem;margin:0 0 .3rem}h2{font-size:1.1rem;margin:1.2rem 0 .4rem}
.badge{display:inline-block;padding:.1rem .55rem;border-radius:1rem;color:#fff;font-weight:600;font-size:.9rem}
.st-ok{background:#1a7f37}.st-bad{background:#cf222e}.st-partial{background:#8250df}
.muted{color:#59636e}.small{font-size:.85rem}
p{margin:.25rem 0}
nav a{margin-right:.9rem}
.notice{background:#fff8c5;border-left:4px solid #d4a72c;padding:.4rem .8rem;margin:.4rem 0}
.counts span{display:inline-block;margin-right:.7rem}
table{border-collapse:collapse;font-size:.85rem}
th,td{border:1px solid #d0d7de;padding:.25rem .4rem;vertical-align:top;text-align:left}
th{background:#f6f8fa}
pre,code{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:.8rem}
pre{margin:.2rem 0;white-space:pre-wrap;overflow-wrap:anywhere}
.sev{font-weight:700;text-transform:uppercase;font-size:.75rem}
.sev-critical{color:#fff;background:#a40e26;padding:0 .3rem;border-radius:.2rem}
.sev-high{color:#cf222e}.sev-medium{color:#9a6700}.sev-low{color:#0969da}.sev-info{color:#59636e}
.new{background:#fff8c5;border-radius:.3rem;padding:0 .3rem;font-size:.75rem}
/* access matrix */
.matrix-box{overflow:auto;max-width:100%;border:1px solid #d0d7de}
#matrix{font-size:.8rem}
#matrix th,#matrix td{padding:.15rem .25rem}
#matrix th.col{writing-mode:vertical-rl;transform:rotate(180deg);white-space:nowrap;font-weight:500}
#matrix th.rowh{position:sticky;left:0;background:#f6f8fa;white-space:nowrap;z-index:1}
#matrix th.grp{text-align:center;white-space:nowrap}
#matrix td{text-align:center;min-width:2.1rem;font-family:ui-monospace,monospace;font-weight:700}
#matrix td a{color:inherit;text-decoration:none;display:block}
#matrix td a:hover,#matrix td a:focus{text-decoration:underline}
.c-fw{background:#a40e26;color:#fff}
.c-fr{background:#fb8f44;color:#1f2328}
.c-miss{background:#ddf4ff;color:#0550ae;outline:2px dashed #0969da;outline-offset:-3px}
.c-ok{background:#dafbe1;color:#116329}
.c-na{background:#fff;color:#8c959f}
.c-flag{box-shadow:inset 0 0 0 3px #8250df}
.legend{display:flex;flex-wrap:wrap;gap:.3rem .9rem;margin:.3rem 0;font-size:.85rem;padding:0;list-style:none}
.legend li{display:flex;align-items:center;gap:.3rem}
.legend .sw{display:inline-block;min-width:1.7rem;text-align:center;font-family:ui-monospace,monospace;
  font-weight:700;border:1px solid #d0d7de;padding:0 .2rem;min-height:1.3em;line-height:1.3em}
.legend .why{color:#59636e}
/* findings */
.controls{display:flex;flex-wrap:wrap;gap:.4rem;align-items:center;margin:.4rem 0}
.controls input{padding:.25rem .4rem;min-width:0;width:18rem;max-width:100%}
#cellfilter{background:#ddf4ff;border-radius:.3rem;padding:.1rem .5rem}
#findings{width:100%;table-layout:fixed}
#findings td,#findings th{overflow-wrap:anywhere;word-break:normal}
#findings col.c-sev{width:6.2rem}#findings col.c-rule{width:4.6rem}#findings col.c-obj{width:22%}
#findings col.c-st{width:5.5rem}
tr.cause-head td{background:#f6f8fa;border-top:2px solid #59636e}
tr.in-cause td:first-child{border-left:4px solid #59636e}
tr.suppressed td{color:#8c959f}
tr.suppressed .msg{text-decoration:line-through}
details{margin:.15rem 0}
summary{cursor:pointer;color:#0969da;font-size:.8rem}
tr:target td,tr.hit td{background:#fff8c5}
@media (max-width:720px){
  body{padding:.5rem .6rem}
  .legend .why{display:none}
  #matrix .rhub{display:block;font-size:.7rem;font-weight:400}
  #findings,#findings tbody,#findings tr,#findings td{display:block;width:100%}
  #findings thead,#findings colgroup{display:none}
  #findings tr{border:1px solid #d0d7de;margin:.4rem 0}
  #findings td{border:0;padding:.15rem .4rem}
  tr.in-cause{margin-left:.6rem !important;width:auto !important}
}
"""

JS = """
(function(){
  var table=document.getElementById('findings'); if(!table){return;}
  var filter=document.getElementById('filter'), sev=document.getElementById('sevfilter');
  var cellbox=document.getElementById('cellfilter'), celltext=document.getElementById('celltext');
  var cell=null;
  function rows(){return Array.prototype.slice.call(table.querySelectorAll('tr.finding'));}
  function apply(){
    var q=(filter.value||'').toLowerCase(), min=parseInt(sev.value,10), shown=0;
    rows().forEach(function(r){
      var ok=r.textContent.toLowerCase().indexOf(q)>=0 && parseInt(r.getAttribute('data-rank'),10)>=min;
      if(cell){ok=ok && r.getAttribute('data-role')===cell[0] && r.getAttribute('data-object')===cell[1];}
      r.hidden=!ok; if(ok){shown++;}
    });
    Array.prototype.forEach.call(table.tBodies,function(b){
      var head=b.querySelector('tr.cause-head'); if(!head){return;}
      head.hidden=!b.querySelector('tr.finding:not([hidden])');
    });
    document.getElementById('shown').textContent=String(shown);
    cellbox.hidden=!cell;
    if(cell){celltext.textContent=cell[0]+' on '+cell[1];}
  }
  function fromHash(){
    var h=location.hash||'';
    if(h.indexOf('#cell=')===0){
      var v=decodeURIComponent(h.slice(6)), i=v.indexOf('|');
      cell=i>=0?[v.slice(0,i),v.slice(i+1)]:null;
      apply();
      var first=table.querySelector('tr.finding:not([hidden])');
      (first||table).scrollIntoView({block:'start'});
    } else if(cell){cell=null; apply();}
  }
  filter.addEventListener('input',apply); sev.addEventListener('change',apply);
  document.getElementById('cellclear').addEventListener('click',function(ev){
    ev.preventDefault(); cell=null; history.replaceState(null,'',location.pathname+location.search+'#findings-section');
    apply();
  });
  window.addEventListener('hashchange',fromHash);
  fromHash(); apply();
})();
"""
