package dev.strata.demo.service;

import static dev.strata.demo.report.Html.escape;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpSession;
import java.util.List;
import org.springframework.cache.CacheManager;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The status page at {@code /}: which instance served it, the session's fingerprint, the user and
 * cart, this instance's cache numbers, a login form, and buttons that ask the front balancer (its
 * {@code /_front/...} paths, reachable when the page is opened through the front) to stop, kill or
 * start instances. Plain HTML and a little inline script, no external resources.
 */
@RestController
class StatusPageController {

  private final ProductCatalog catalog;
  private final CacheManager caches;
  private final String instance;

  StatusPageController(ProductCatalog catalog, CacheManager caches, DemoSettings settings) {
    this.catalog = catalog;
    this.caches = caches;
    this.instance = settings.instance();
  }

  @GetMapping("/")
  ResponseEntity<String> page(HttpServletRequest request) {
    HttpSession session = request.getSession(false);
    String user = UserSessions.user(session);
    CacheNumbers numbers = CacheNumbers.of(caches);
    StringBuilder html = new StringBuilder(4096);
    html.append(HEAD);
    html.append("<h1>Strata demo &middot; served by <span id=\"instance\">")
        .append(escape(instance))
        .append("</span></h1>\n<table>\n");
    row(html, "session", session == null ? "none" : UserSessions.fingerprint(session));
    row(html, "user", user == null ? "not logged in" : user);
    row(html, "database queries", Long.toString(catalog.selectCount()));
    row(html, "cache hits", Long.toString(numbers.hits()));
    row(html, "cache misses", Long.toString(numbers.misses()));
    row(html, "local (L1) hits", numbers.l1Hits() == null ? "n/a" : numbers.l1Hits().toString());
    long lookups = numbers.hits() + numbers.misses();
    row(
        html,
        "hit ratio",
        lookups == 0 ? "n/a" : String.format("%.1f %%", 100.0 * numbers.hits() / lookups));
    html.append("</table>\n");
    if (session != null && user != null) {
      List<CartItem> cart = UserSessions.cart(session);
      html.append("<h2>Cart</h2>\n<table id=\"cart\">\n")
          .append("<tr><th>item</th><th>product</th><th>quantity</th></tr>\n");
      for (CartItem item : cart) {
        html.append("<tr><td>")
            .append(escape(item.itemId()))
            .append("</td><td>")
            .append(item.productId())
            .append("</td><td>")
            .append(item.quantity())
            .append("</td></tr>\n");
      }
      html.append("</table>\n").append(CART_FORM).append(LOGOUT_FORM);
    } else {
      html.append(LOGIN_FORM);
    }
    html.append(INSTANCES).append(SCRIPT).append("</body></html>\n");
    return ResponseEntity.ok()
        .contentType(new MediaType(MediaType.TEXT_HTML, java.nio.charset.StandardCharsets.UTF_8))
        .header("Cache-Control", "no-store")
        .body(html.toString());
  }

  private static void row(StringBuilder html, String name, String value) {
    html.append("<tr><th>")
        .append(escape(name))
        .append("</th><td>")
        .append(escape(value))
        .append("</td></tr>\n");
  }

  private static final String HEAD =
      """
      <!DOCTYPE html>
      <html lang="en"><head><meta charset="utf-8">
      <title>Strata demo</title>
      <style>
      body{font-family:system-ui,sans-serif;margin:2em;max-width:48em}
      table{border-collapse:collapse;margin-bottom:1em}
      th,td{border:1px solid #ccc;padding:.25em .6em;text-align:left}
      form{margin:.5em 0} .up{color:#070} .down{color:#b00} #message{color:#b00}
      </style></head><body>
      """;

  private static final String LOGIN_FORM =
      """
      <h2>Log in</h2>
      <form id="login"><input name="user" placeholder="user name" required>
      <button type="submit" name="login">Log in</button></form>
      """;

  private static final String CART_FORM =
      """
      <form id="add"><input name="productId" type="number" min="1" value="1" required>
      <input name="quantity" type="number" min="1" max="1000" value="1" required>
      <button type="submit" name="add">Add to cart</button></form>
      """;

  private static final String LOGOUT_FORM =
      """
      <form id="logout"><button type="submit" name="logout">Log out</button></form>
      """;

  private static final String INSTANCES =
      """
      <h2>Instances</h2>
      <p id="message"></p>
      <table id="instances"><tr><td>asking the front balancer&hellip;</td></tr></table>
      <label><input type="checkbox" id="refresh"> reload this page every 2 seconds</label>
      """;

  private static final String SCRIPT =
      """
      <script>
      function message(text){document.getElementById('message').textContent=text;}
      function request(method,url,body,done){
        var x=new XMLHttpRequest();
        x.open(method,url);
        if(body!==undefined){x.setRequestHeader('Content-Type','application/json');}
        x.onload=function(){done(x.status,x.responseText);};
        x.onerror=function(){done(0,'');};
        x.send(body===undefined?null:JSON.stringify(body));
      }
      function onSubmit(id,send){
        var form=document.getElementById(id);
        if(!form){return;}
        form.addEventListener('submit',function(e){
          e.preventDefault();
          send(form,function(status){
            if(status>=200&&status<300){location.reload();}else{message(id+' failed: '+status);}
          });
        });
      }
      onSubmit('login',function(f,done){
        request('POST','/api/login',{user:f.elements.user.value},done);});
      onSubmit('logout',function(f,done){request('POST','/api/logout',undefined,done);});
      onSubmit('add',function(f,done){
        var item='i'+Date.now().toString(36)+Math.floor(Math.random()*1e6).toString(36);
        request('PUT','/api/cart/items/'+item,{productId:Number(f.elements.productId.value),
          quantity:Number(f.elements.quantity.value)},done);
      });
      function cell(row,text,cls){var td=row.insertCell(-1);td.textContent=text;
        if(cls){td.className=cls;}return td;}
      function instances(){
        request('GET','/_front/status',undefined,function(status,text){
          var table=document.getElementById('instances');
          var list=null;
          try{var data=JSON.parse(text);list=Array.isArray(data)?data:data.endpoints;}catch(e){}
          if(status!==200||!Array.isArray(list)){
            table.innerHTML='';
            message('no front balancer here ('+status+
              '): open this page through the front balancer to control instances');
            return;
          }
          table.innerHTML='';
          var head=table.insertRow(-1);
          ['instance','port','state','in flight','served',''].forEach(function(h){
            var th=document.createElement('th');th.textContent=h;head.appendChild(th);});
          list.forEach(function(e){
            var row=table.insertRow(-1);
            var state=!e.up?'down':e.ejected?'ejected':e.draining?'draining':'up';
            cell(row,e.id);cell(row,String(e.port));cell(row,state,state==='up'?'up':'down');
            cell(row,String(e.inFlight));cell(row,String(e.served));
            var td=row.insertCell(-1);
            ['stop','kill','start'].forEach(function(action){
              var b=document.createElement('button');b.textContent=action;
              b.id=action+'-'+e.id;
              b.addEventListener('click',function(){
                request('POST','/_front/instances/'+encodeURIComponent(e.id)+'/'+action,
                  undefined,function(s){message(s>=200&&s<300?'':action+' '+e.id+' failed: '+s);
                    instances();});
              });
              td.appendChild(b);
            });
          });
        });
      }
      instances();
      var box=document.getElementById('refresh');
      box.checked=sessionStorage.getItem('refresh')==='1';
      box.addEventListener('change',function(){
        sessionStorage.setItem('refresh',box.checked?'1':'0');});
      setInterval(function(){if(box.checked){location.reload();}},2000);
      </script>
      """;
}
